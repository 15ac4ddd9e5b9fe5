/**
 * delete-artifacts: delete unexpired artifacts created before now − `older-than`, except the
 * newest `keep-latest` of each group (name, head branch, head repository); or, with `run-id`,
 * that run's artifacts. Reports the bytes freed.
 */
import { log } from '../../log.js'
import { SEND_ONCE, type Octokit } from '../../boundary/client.js'
import { alreadyDeleted, bytesFreed, goneWhen } from '../clean-up.js'
import { PER_PAGE } from '../../github-limits.js'
import type { PlannedWrite } from '../../boundary/mutations.js'
import type { Target } from '../../boundary/outcomes.js'
import { selectArtifacts } from './rules.js'
import { cutoffOf, formatBytes, isLiteralGlob } from '../../rules/retention.js'
import { RunNotFoundError, runIdIn } from '../../readers/runs.js'
import { statusOf } from '../../boundary/api-errors.js'
import type { RepositoryRef } from '../../settings.js'
import { forEachRepository, fullName, type Handler, type HandlerContext } from '../context.js'

type Context = HandlerContext<'delete-artifacts'>
type Artifact = Awaited<
  ReturnType<Octokit['rest']['actions']['listArtifactsForRepo']>
>['data']['artifacts'][number]

/**
 * Lists each repository's artifacts (`GET /repos/{owner}/{repo}/actions/artifacts`, or with
 * `run-id` `GET .../actions/runs/{run_id}/artifacts`; every page, 100 each, with the server's
 * `name` filter when `artifact-name` is one literal name), picks the targets
 * (`selectArtifacts`) and deletes them oldest first with `DELETE
 * /repos/{owner}/{repo}/actions/artifacts/{artifact_id}` (sent once; after a lost answer `GET
 * .../artifacts/{artifact_id}` answering 404 shows it took effect). Sets `bytes-freed`.
 */
export const deleteArtifacts: Handler<'delete-artifacts'> = async context => {
  const { settings } = context
  const now = context.now()
  const cutoffMs = cutoffOf(now, settings.olderThanSeconds)
  let freed = 0
  await forEachRepository(context, async repository => {
    const runId = runIdIn(settings.filters, repository)
    const artifacts = await listArtifacts(context, repository, runId)
    const targets = selectArtifacts(artifacts, {
      keepLatest: settings.keepLatest,
      cutoffMs,
      names: settings.artifactNames,
      branches: settings.filters.branches,
      excludeBranches: settings.filters.excludeBranches,
      explicit: runId !== undefined,
      now
    })
    const sizes = new Map(targets.map(({ artifact }) => [artifact.id, artifact.size_in_bytes]))
    const expired = artifacts.filter(artifact => artifact.expired).length
    log.info(
      `${fullName(repository)}: ${artifacts.length} artifacts${runId === undefined ? '' : ` of run ${runId}`} (${expired} expired), ${targets.length} to delete (${formatBytes([...sizes.values()].reduce((sum, size) => sum + size, 0))})`
    )
    const results = await context.mutations.apply(
      targets.map(({ artifact, reason }) => deleteWrite(context, repository, artifact, reason)),
      'deleted'
    )
    freed += bytesFreed(results, result => sizes.get(Number(result.id)))
  })
  context.extraOutputs['bytes-freed'] = String(freed)
}

/**
 * Every artifact of the repository, or of the run `runId`; narrowed to one name by the server
 * when `artifact-name` is a single literal name (a name is part of the group, so the groups stay
 * whole).
 * @throws RunNotFoundError when the run of `run-id` is answered 404; the API error of any page.
 */
async function listArtifacts(
  context: Context,
  repository: RepositoryRef,
  runId: number | undefined
): Promise<Artifact[]> {
  const { octokit, settings } = context
  const [only, ...more] = settings.artifactNames
  const name = only !== undefined && more.length === 0 && isLiteralGlob(only) ? only : undefined
  const params = { ...repository, per_page: PER_PAGE, ...(name !== undefined && { name }) }
  if (runId === undefined)
    return octokit.paginate(octokit.rest.actions.listArtifactsForRepo, params)
  try {
    return await octokit.paginate(octokit.rest.actions.listWorkflowRunArtifacts, {
      ...params,
      run_id: runId
    })
  } catch (error) {
    if (statusOf(error) === 404) throw new RunNotFoundError(runId, repository)
    throw error
  }
}

function deleteWrite(
  context: Context,
  repository: RepositoryRef,
  artifact: Artifact,
  reason: string
): PlannedWrite {
  const { octokit } = context
  return {
    target: artifactTarget(context, repository, artifact),
    reason,
    send: async () => {
      await octokit.rest.actions.deleteArtifact({
        ...repository,
        artifact_id: artifact.id,
        ...SEND_ONCE
      })
      return ''
    },
    landed: goneWhen(async () =>
      octokit.rest.actions.getArtifact({ ...repository, artifact_id: artifact.id })
    ),
    onError: alreadyDeleted
  }
}

/** The artifact, linked to its page under its run (there is none without a run). */
function artifactTarget(context: Context, repository: RepositoryRef, artifact: Artifact): Target {
  const runId = artifact.workflow_run?.id
  const { serverUrl } = context.settings.runner
  return {
    repository: fullName(repository),
    kind: 'artifact',
    id: artifact.id,
    action: 'delete',
    url:
      runId === undefined
        ? ''
        : `${serverUrl}/${fullName(repository)}/actions/runs/${runId}/artifacts/${artifact.id}`
  }
}
