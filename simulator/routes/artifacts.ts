/**
 * Artifact endpoints: the repository's artifacts and a run's (newest first, `name` filter exact,
 * Link pagination, `total_count`), one artifact, and deletion by id.
 *
 * An artifact belongs to the run that uploaded it (`run_id`): its `workflow_run` (id, head branch,
 * head SHA, repository and head repository ids) is read from that run, so it stays null for an
 * artifact whose run is not in the scenario. Expiry follows `expires_at` (default 90 days after
 * `created_at`) against the simulator clock unless `expired` says otherwise; expired artifacts are
 * still listed, as on GitHub, until they are purged. Deleting a run deletes its artifacts
 * (`deleteArtifactsOfRun`, called by the run deletion in `runs.ts`).
 */
import { paginate } from '../pagination.js'
import { ApiError, type ApiResponse } from '../responses.js'
import { json, numericParam, type HandlerContext, type Router } from '../router.js'
import { stableId, type RepositoryState } from '../state.js'

/** An artifact uploaded by a workflow run. */
export interface ScenarioArtifact {
  id: number
  name: string
  /** The run that uploaded it; its `workflow_run` is read from this run. */
  run_id: number
  size_in_bytes: number
  /** ISO 8601. */
  created_at: string
  /** ISO 8601; default `created_at` + 90 days (GitHub's default retention). */
  expires_at?: string
  /** Default: whether `expires_at` has passed at the simulator clock. */
  expired?: boolean
  /** ISO 8601; default `created_at`. */
  updated_at?: string
}

declare module '../scenario.js' {
  interface ScenarioRepository {
    /** Artifacts of the repository's runs. */
    artifacts?: ScenarioArtifact[]
  }
}

/** GitHub keeps artifacts this long by default (ms). */
export const DEFAULT_RETENTION_MS = 90 * 86_400_000

/** Registers the artifact listings, `GET` and `DELETE .../actions/artifacts/{artifact_id}` on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/list-artifacts-for-repo', ctx => listArtifacts(ctx))
  router.register('actions/list-workflow-run-artifacts', ctx => {
    const runId = numericParam(ctx, 'run_id')
    if (!ctx.repository().runs.some(run => run.id === runId)) throw new ApiError(404, 'Not Found')
    return listArtifacts(ctx, runId)
  })
  router.register('actions/get-artifact', ctx => {
    const repo = ctx.repository()
    const id = numericParam(ctx, 'artifact_id')
    const artifact = repo.artifacts?.find(candidate => candidate.id === id)
    if (!artifact) throw new ApiError(404, 'Not Found')
    return json(presentArtifact(repo, artifact, ctx))
  })
  router.register('actions/delete-artifact', ctx => {
    const repo = ctx.repository()
    const id = numericParam(ctx, 'artifact_id')
    const artifacts = repo.artifacts ?? []
    const index = artifacts.findIndex(artifact => artifact.id === id)
    if (index < 0) throw new ApiError(404, 'Not Found')
    artifacts.splice(index, 1)
    return { status: 204 }
  })
}

/**
 * Removes the artifacts a run uploaded: GitHub deletes them with the run.
 * @returns how many were removed.
 */
export function deleteArtifactsOfRun(repo: RepositoryState, runId: number): number {
  const before = repo.artifacts?.length ?? 0
  if (repo.artifacts) repo.artifacts = repo.artifacts.filter(artifact => artifact.run_id !== runId)
  return before - (repo.artifacts?.length ?? 0)
}

/** Whether the artifact has expired at `now`. */
export function isExpired(artifact: ScenarioArtifact, now: Date): boolean {
  return artifact.expired ?? Date.parse(expiresAt(artifact)) <= now.getTime()
}

function expiresAt(artifact: ScenarioArtifact): string {
  return (
    artifact.expires_at ??
    new Date(Date.parse(artifact.created_at) + DEFAULT_RETENTION_MS)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
  )
}

function listArtifacts(ctx: HandlerContext, runId?: number): ApiResponse {
  const repo = ctx.repository()
  const name = ctx.query.get('name')
  // The run listing takes `direction` (default desc); the repository listing is newest first.
  const ascending = runId !== undefined && ctx.query.get('direction') === 'asc'
  const matching = (repo.artifacts ?? [])
    .filter(artifact => runId === undefined || artifact.run_id === runId)
    .filter(artifact => name === null || artifact.name === name)
    .map(artifact => ({ artifact, at: Date.parse(artifact.created_at) }))
    .sort((a, b) => (b.at - a.at || b.artifact.id - a.artifact.id) * (ascending ? -1 : 1))
    .map(({ artifact }) => artifact)
  const page = paginate(matching, ctx.url)
  const body = {
    total_count: matching.length,
    artifacts: page.items.map(artifact => presentArtifact(repo, artifact, ctx))
  }
  return json(body, 200, page.link ? { link: page.link } : undefined)
}

/** An artifact in GitHub's shape. */
function presentArtifact(
  repo: RepositoryState,
  artifact: ScenarioArtifact,
  ctx: HandlerContext
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`
  const url = `${ctx.apiBase}/repos/${full}/actions/artifacts/${artifact.id}`
  const run = repo.runs.find(candidate => candidate.id === artifact.run_id)
  const headIsFork = run !== undefined && run.head_repository.toLowerCase() !== full.toLowerCase()
  return {
    id: artifact.id,
    node_id: `MDg6QXJ0aWZhY3Q${Buffer.from(String(artifact.id)).toString('base64url')}`,
    name: artifact.name,
    size_in_bytes: artifact.size_in_bytes,
    url,
    archive_download_url: `${url}/zip`,
    expired: isExpired(artifact, ctx.now()),
    created_at: artifact.created_at,
    expires_at: expiresAt(artifact),
    updated_at: artifact.updated_at ?? artifact.created_at,
    digest: `sha256:${stableId(`${full}:${artifact.id}`).toString(16).padStart(64, '0')}`,
    workflow_run:
      run === undefined
        ? null
        : {
            id: run.id,
            repository_id: repo.id,
            head_repository_id: headIsFork ? stableId(run.head_repository) : repo.id,
            head_branch: run.head_branch,
            head_sha: run.head_sha
          }
  }
}
