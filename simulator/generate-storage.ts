/**
 * Deterministic artifacts and caches for generated repositories: what builds leave behind. Kept
 * apart from `generate.ts` so a run scenario stays the same whether or not storage is added.
 */
import { mulberry32 } from './generate.js'
import type { ScenarioArtifact } from './routes/artifacts.js'
import type { ScenarioCache } from './routes/caches.js'
import type { ScenarioPull } from './routes/pulls.js'
import type { ScenarioRepository } from './scenario.js'

export interface ArtifactOptions {
  /** Seed of the PRNG: the same options and repository give the same artifacts. */
  seed: number
  /** At most this many artifacts, from the newest completed runs backwards. */
  count: number
  /** Days an artifact is kept after its upload (default 90, GitHub's default). */
  retentionDays?: number
}

export interface CacheOptions {
  seed: number
  /** Number of caches. */
  count: number
  /** The scenario's clock (ISO 8601); caches were last accessed within `days` before it. */
  now: string
  /** Default 30. */
  days?: number
  /** Pull requests whose merge refs hold caches (numbered from 500); default 0. */
  pulls?: number
  /** How many of those pull requests are closed (every other one merged); default 0. */
  closedPulls?: number
}

const ARTIFACT_NAMES: Record<string, string[]> = {
  'ci.yml': ['test-results', 'coverage'],
  'deploy.yml': ['build'],
  'nightly.yml': ['nightly-report']
}
const CACHE_PREFIXES = ['Linux-node-', 'Linux-pip-', 'Windows-node-', 'macOS-node-']
const MB = 1024 * 1024

/**
 * Adds artifacts to `repository`: each completed run (newest first) uploads its workflow's
 * artifacts (`test-results` and `coverage` for ci.yml, `build` for deploy.yml, `nightly-report`
 * for nightly.yml), 1 KB to 300 MB each, a minute after the run's last update, until `count`.
 * Artifact ids grow with upload time, like GitHub's.
 */
export function addArtifacts(repository: ScenarioRepository, options: ArtifactOptions): void {
  const next = mulberry32(options.seed)
  const retentionMs = (options.retentionDays ?? 90) * 86_400_000
  const runs = repository.runs
    .filter(run => run.status === 'completed')
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id)
  const uploaded: Omit<ScenarioArtifact, 'id'>[] = []
  for (const run of runs) {
    const file = repository.workflows
      .find(w => w.id === run.workflow_id)
      ?.path.split('/')
      .pop()
    for (const name of ARTIFACT_NAMES[file ?? ''] ?? ['artifact']) {
      if (uploaded.length >= options.count) break
      const createdMs = Date.parse(run.updated_at ?? run.created_at) + 60_000
      uploaded.push({
        name,
        run_id: run.id,
        size_in_bytes: Math.floor(1024 + next() * next() * 300 * MB),
        created_at: iso(createdMs),
        expires_at: iso(createdMs + retentionMs)
      })
    }
    if (uploaded.length >= options.count) break
  }
  uploaded.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at))
  const base = repository.id * 10_000_000
  repository.artifacts = [
    ...(repository.artifacts ?? []),
    ...uploaded.map((artifact, index) => ({ id: base + index + 1, ...artifact }))
  ]
}

/**
 * Adds caches to `repository`: keys `<os>-<tool>-<hash>`; refs `refs/heads/main` (about a
 * quarter), a few feature branches, and the merge refs of `pulls` pull requests (half of the
 * caches when there are any), which are added to `repository.pulls` (the first `closedPulls`
 * closed, every other one of them merged). 10 MB to 500 MB each; last accessed within `days`.
 */
export function addCaches(repository: ScenarioRepository, options: CacheOptions): void {
  const next = mulberry32(options.seed)
  const nowMs = Date.parse(options.now)
  const spanMs = (options.days ?? 30) * 86_400_000
  const pullCount = options.pulls ?? 0
  const closed = options.closedPulls ?? 0
  const pulls: ScenarioPull[] = Array.from({ length: pullCount }, (_, index) => ({
    number: 500 + index,
    state: index < closed ? 'closed' : 'open',
    ...(index < closed && index % 2 === 0 && { merged: true }),
    user: 'alice',
    head: {
      ref: `feature/pr-${500 + index}`,
      sha: (500 + index).toString(16).padStart(40, '0'),
      repo: `${repository.owner}/${repository.name}`
    },
    created_at: iso(nowMs - spanMs),
    updated_at: iso(nowMs - Math.floor(next() * spanMs))
  }))
  repository.pulls = [...(repository.pulls ?? []), ...pulls]
  const caches: ScenarioCache[] = []
  for (let index = 0; index < options.count; index++) {
    const roll = next()
    const pull = pulls[Math.floor(next() * pulls.length)]
    const ref =
      pull !== undefined && roll < 0.5
        ? `refs/pull/${pull.number}/merge`
        : roll < 0.75
          ? 'refs/heads/main'
          : `refs/heads/feature/${['login', 'search', 'billing'][Math.floor(next() * 3)] ?? 'x'}`
    const prefix = CACHE_PREFIXES[Math.floor(next() * CACHE_PREFIXES.length)] ?? 'Linux-node-'
    const accessedMs = nowMs - Math.floor(next() * spanMs)
    caches.push({
      id: repository.id * 100_000 + index + 1,
      key: `${prefix}${Math.floor(next() * 0xffffffff)
        .toString(16)
        .padStart(8, '0')}`,
      ref,
      size_in_bytes: Math.floor(10 * MB + next() * 490 * MB),
      created_at: iso(accessedMs - Math.floor(next() * 86_400_000)),
      last_accessed_at: iso(accessedMs)
    })
  }
  repository.caches = [...(repository.caches ?? []), ...caches]
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
