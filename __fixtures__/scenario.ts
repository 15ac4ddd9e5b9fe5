/** Builders for simulator scenarios: small, readable worlds for end-to-end tests. */
import type {
  RecordedRequest,
  Scenario,
  ScenarioRepository,
  ScenarioRun,
  ScenarioToken,
  Simulator
} from '../simulator/index.js'

/** Tokens every scenario knows: a workflow token with `actions: write`, and one with read only. */
export const TOKENS: Record<string, ScenarioToken> = {
  ghs_write: {
    login: 'github-actions[bot]',
    kind: 'github-token',
    permissions: { actions: 'write', contents: 'read', pull_requests: 'read', metadata: 'read' }
  },
  ghs_read: {
    login: 'github-actions[bot]',
    kind: 'github-token',
    permissions: { actions: 'read', contents: 'read', metadata: 'read' }
  }
}

/** ISO time `minutes` before now, at second precision. */
export function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

let nextRunId = 5000

/** A run of `ci.yml` (workflow 11) on `main`, pushed by alice, in progress, created 10 minutes ago. */
export function run(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  const id = overrides.id ?? nextRunId++
  return {
    id,
    workflow_id: 11,
    head_branch: 'main',
    head_sha: id.toString(16).padStart(40, '0'),
    event: 'push',
    status: 'in_progress',
    conclusion: null,
    run_attempt: 1,
    run_number: id,
    created_at: minutesAgo(10),
    actor: 'alice',
    head_repository: 'acme/web',
    ...overrides
  }
}

/** A repository with the workflows `ci.yml` (11) and `deploy.yml` (12). */
export function repository(fullName: string, runs: ScenarioRun[], id = 101): ScenarioRepository {
  const [owner = '', name = ''] = fullName.split('/')
  return {
    owner,
    name,
    id,
    private: false,
    workflows: [
      { id: 11, name: 'CI', path: '.github/workflows/ci.yml', state: 'active' },
      { id: 12, name: 'Deploy', path: '.github/workflows/deploy.yml', state: 'active' }
    ],
    runs
  }
}

/** A scenario with the standard tokens. */
export function scenario(...repositories: ScenarioRepository[]): Scenario {
  return { tokens: structuredClone(TOKENS), repositories }
}

/**
 * Calls `react` with each request as it reaches the simulator, before it is answered: the way to
 * change the world at a precise moment of an invocation (after its listing, before its writes).
 */
export function onArrival(sim: Simulator, react: (request: RecordedRequest) => void): void {
  const push = sim.requests.push.bind(sim.requests)
  sim.requests.push = (...records: RecordedRequest[]): number => {
    for (const record of records) react(record)
    return push(...records)
  }
}

/** Leaves `token` only `remaining` requests in its primary rate-limit window; returns `world`. */
export function withRequestsLeft(world: Scenario, token: string, remaining: number): Scenario {
  const info = world.tokens[token]
  if (!info) throw new Error(`the scenario has no token ${token}`)
  info.rateLimit = { ...info.rateLimit, remaining }
  return world
}

/** The reason of what is not reached once `token`'s primary rate limit is spent. */
export function exhaustedReason(sim: Simulator, token = 'ghs_write'): string {
  const bucket = sim.state.rateLimits[token]
  if (!bucket) throw new Error(`the simulator has no rate-limit bucket for ${token}`)
  return `rate limit exhausted until ${new Date(bucket.reset * 1000).toISOString()}`
}
