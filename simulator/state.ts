/**
 * The live, mutable state of a simulated GitHub: a deep copy of the scenario with every default
 * filled in, plus the bookkeeping the API answers need (rate limits, cancel requests).
 */
import type {
  Scenario,
  ScenarioJob,
  ScenarioRepository,
  ScenarioRun,
  ScenarioToken,
  ScenarioWorkflow
} from './scenario.js'

/** Seconds in GitHub's primary rate-limit window. */
export const RATE_LIMIT_WINDOW_SECONDS = 3600
const DEFAULT_RATE_LIMIT = 5000

/** One token's primary rate-limit window; set `remaining` to simulate exhaustion. */
export interface RateLimitBucket {
  limit: number
  remaining: number
  /** When the window resets, in epoch **seconds** (GitHub's `x-ratelimit-reset`). */
  reset: number
}

export type JobState = ScenarioJob & {
  run_attempt: number
  started_at: string
  completed_at: string | null
}

export type RunState = Omit<ScenarioRun, 'jobs'> & {
  updated_at: string
  run_started_at: string
  triggering_actor: string
  pull_requests: NonNullable<ScenarioRun['pull_requests']>
  on_cancel: 'cancel' | 'ignore'
  jobs: JobState[]
  /** Cancel requests the run received (a stuck run keeps counting them). */
  cancel_requests: number
  /** When the last cancel was requested (ISO 8601), if any. */
  cancel_requested_at?: string
  /** Whether a list endpoint has returned the run yet (drives `completes_after_listed`). */
  listed: boolean
}

export type WorkflowState = ScenarioWorkflow & {
  state: NonNullable<ScenarioWorkflow['state']>
}

/**
 * A repository's live state. Other features add collections through module augmentation of
 * `ScenarioRepository`; whatever the scenario holds is deep-copied into it.
 */
export type RepositoryState = Omit<ScenarioRepository, 'workflows' | 'runs'> & {
  default_branch: string
  workflows: WorkflowState[]
  runs: RunState[]
}

/** Open to module augmentation: a feature's top-level scenario collection lands here as given. */
export interface SimState {
  /** Token string → identity and permissions. Add entries at run time to mint tokens. */
  tokens: Record<string, ScenarioToken>
  /** Token string → its primary rate-limit window. */
  rateLimits: Record<string, RateLimitBucket>
  repositories: RepositoryState[]
}

/** ISO 8601 at second precision, the way GitHub writes timestamps (`2026-11-22T12:00:00Z`). */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/**
 * Builds the live state from a scenario. The scenario is deep-copied (later mutations of either
 * side do not leak); `now` starts every token's rate-limit window. Top-level fields that features
 * add to `Scenario` (through module augmentation of it and of `SimState`) are copied as they are.
 * Does not throw for a scenario that passed `parseScenario`.
 */
export function createState(scenario: Scenario, now: Date): SimState {
  const copy = structuredClone(scenario)
  const nowSeconds = Math.floor(now.getTime() / 1000)
  const rateLimits: Record<string, RateLimitBucket> = {}
  for (const [token, info] of Object.entries(copy.tokens)) {
    const limit = info.rateLimit?.limit ?? copy.rateLimit?.limit ?? DEFAULT_RATE_LIMIT
    rateLimits[token] = {
      limit,
      remaining: info.rateLimit?.remaining ?? copy.rateLimit?.remaining ?? limit,
      reset: nowSeconds + RATE_LIMIT_WINDOW_SECONDS
    }
  }
  // Top-level collections added by features (e.g. organizations) are carried over as given.
  const collections: Record<string, unknown> = { ...copy }
  for (const known of ['now', 'rateLimit', 'tokens', 'repositories']) delete collections[known]
  const { tokens, repositories } = copy
  return {
    ...collections,
    tokens,
    rateLimits,
    repositories: repositories.map(normalizeRepository)
  }
}

function normalizeRepository(repo: ScenarioRepository): RepositoryState {
  return {
    ...repo,
    default_branch: repo.default_branch ?? 'main',
    workflows: repo.workflows.map(wf => ({ ...wf, state: wf.state ?? 'active' })),
    runs: repo.runs.map(normalizeRun)
  }
}

/** Fills a scenario run's defaults; exported so features that create runs share them. */
export function normalizeRun(run: ScenarioRun): RunState {
  const started = run.run_started_at ?? run.created_at
  return {
    ...run,
    updated_at: run.updated_at ?? run.created_at,
    run_started_at: started,
    triggering_actor: run.triggering_actor ?? run.actor,
    pull_requests: run.pull_requests ?? [],
    on_cancel: run.on_cancel ?? 'cancel',
    jobs: (run.jobs ?? []).map(job => ({
      ...job,
      run_attempt: job.run_attempt ?? run.run_attempt,
      started_at: job.started_at ?? started,
      completed_at:
        job.completed_at ?? (job.status === 'completed' ? (run.updated_at ?? started) : null)
    })),
    cancel_requests: 0,
    listed: false
  }
}

/** Finds a repository by owner and name, case-insensitively like GitHub; undefined if unknown. */
export function findRepository(
  state: SimState,
  owner: string,
  name: string
): RepositoryState | undefined {
  const o = owner.toLowerCase()
  const n = name.toLowerCase()
  return state.repositories.find(r => r.owner.toLowerCase() === o && r.name.toLowerCase() === n)
}

/** Whether a run still counts as active (anything but `completed`). */
export function isActive(run: RunState): boolean {
  return run.status !== 'completed'
}

/**
 * A stable positive id derived from a name (FNV-1a), for objects the scenario names but does not
 * number, such as users and fork repositories. Range 1000..9_000_999.
 */
export function stableId(name: string): number {
  let hash = 2166136261
  for (const ch of name) hash = Math.imul(hash ^ ch.charCodeAt(0), 16777619) >>> 0
  return 1000 + (hash % 9_000_000)
}
