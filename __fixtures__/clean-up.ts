/** Builders for the clean-up operations' worlds: completed runs by age, artifacts and caches. */
import type { ScenarioArtifact, ScenarioCache, ScenarioRun } from '../simulator/index.js'
import { run } from './scenario.js'

/** ISO time `days` (and `minutes`) before now, at second precision. */
export function daysAgo(days: number, minutes = 0): string {
  return new Date(Date.now() - days * 86_400_000 - minutes * 60_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
}

/** A completed, successful run of ci.yml on main created `days` ago; override any field. */
export function completedRun(days: number, overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  return run({
    status: 'completed',
    conclusion: 'success',
    created_at: daysAgo(days),
    ...overrides
  })
}

let nextArtifactId = 90_000

/** An artifact `name` of `run`, uploaded `days` ago, 1 MiB unless told otherwise. */
export function artifact(
  run: Pick<ScenarioRun, 'id'>,
  name: string,
  days: number,
  overrides: Partial<ScenarioArtifact> = {}
): ScenarioArtifact {
  return {
    id: nextArtifactId++,
    name,
    run_id: run.id,
    size_in_bytes: 1024 * 1024,
    created_at: daysAgo(days),
    ...overrides
  }
}

let nextCacheId = 50_000

/** A cache of `ref` last accessed `days` ago (created a day before), 100 MiB unless told otherwise. */
export function cache(
  key: string,
  ref: string,
  days: number,
  overrides: Partial<ScenarioCache> = {}
): ScenarioCache {
  return {
    id: nextCacheId++,
    key,
    ref,
    size_in_bytes: 100 * 1024 * 1024,
    created_at: daysAgo(days + 1),
    last_accessed_at: daysAgo(days),
    ...overrides
  }
}
