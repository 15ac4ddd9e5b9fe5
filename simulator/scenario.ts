/**
 * The scenario format: the initial state of a simulated GitHub, as plain JSON
 * (files in `simulator/scenarios/*.json`). Every interface here is open to module augmentation
 * (`declare module './scenario.js' { interface ScenarioRepository { pulls?: ... } }`), so later
 * features can add collections to a repository without changing this file; unknown fields are
 * carried into the live state untouched.
 */
import { readFileSync } from 'node:fs'

/** A permission level of a token for one permission scope (absent = none). */
export type PermissionLevel = 'read' | 'write'

/** Permission scopes the simulator knows (GitHub's names for `permissions:` in a workflow). */
export type PermissionScope =
  | 'actions'
  | 'contents'
  | 'pull_requests'
  | 'secrets'
  | 'deployments'
  | 'environments'
  | 'metadata'
  | (string & {})

/** Who a token belongs to: a workflow's GITHUB_TOKEN, a person's token or a GitHub App's. */
export type TokenKind = 'github-token' | 'user' | 'app'

export interface ScenarioToken {
  /** Login the token acts as, e.g. `github-actions[bot]`. */
  login: string
  kind: TokenKind
  /**
   * Granted permissions. Absent for a `user` token means full (write) access to the repositories it
   * can see; absent for other kinds means no permission at all.
   */
  permissions?: Partial<Record<PermissionScope, PermissionLevel>>
  /** `owner/name` of the repositories the token may act on; absent = every repository. */
  repositories?: string[]
  /** Overrides of the scenario's rate limit for this token. */
  rateLimit?: ScenarioRateLimit
}

export interface ScenarioRateLimit {
  /** Requests per hour (GitHub's `x-ratelimit-limit`); default 5000. */
  limit?: number
  /** Requests left in the current window; default `limit`. */
  remaining?: number
}

export interface ScenarioWorkflow {
  id: number
  name: string
  /** `.github/workflows/<file>`; the file name doubles as the workflow id in URLs. */
  path: string
  /** GitHub's workflow states; default `active`. */
  state?: 'active' | 'deleted' | 'disabled_fork' | 'disabled_inactivity' | 'disabled_manually'
  /**
   * Default true. False: its file was removed and GitHub no longer lists it: the workflows listing
   * leaves it out and `{workflow_id}` paths answer 404, while its runs stay in the run listings
   * with its name and path. (A run whose `workflow_id` names no workflow at all is shown with no
   * name and an empty path.)
   */
  listed?: boolean
}

/** A job of a run (the latest attempt's unless `run_attempt` says otherwise). */
export interface ScenarioJob {
  id: number
  name: string
  status: string
  conclusion: string | null
  /** Attempt of the run this job belongs to; default the run's `run_attempt`. */
  run_attempt?: number
  started_at?: string
  completed_at?: string | null
  /** Plain-text log of the job. */
  log?: string
}

/** The minimal pull request reference a run carries (empty for fork pull requests). */
export interface ScenarioRunPullRequest {
  number: number
  head: { ref: string; sha: string }
  base: { ref: string; sha?: string }
}

export interface ScenarioRun {
  id: number
  workflow_id: number
  head_branch: string
  /** 40 hex digits. */
  head_sha: string
  event: string
  status: string
  conclusion: string | null
  run_attempt: number
  run_number: number
  /** ISO 8601 timestamp. */
  created_at: string
  /** Default `created_at`. */
  updated_at?: string
  /** Default `created_at`. */
  run_started_at?: string
  actor: string
  /** Default `actor`. */
  triggering_actor?: string
  /** `owner/name` of the repository the head commit lives in; a fork has another owner. */
  head_repository: string
  pull_requests?: ScenarioRunPullRequest[]
  display_title?: string
  /** Commit message of the head commit; default `display_title`. */
  head_commit_message?: string
  /** Default derived from the run id. */
  check_suite_id?: number
  /**
   * What a cancel request does: `cancel` (default) completes the run as cancelled at once;
   * `ignore` leaves it active (an `always()` job keeps it going), only force-cancel completes it.
   */
  on_cancel?: 'cancel' | 'ignore'
  /** When true, the run completes with success right after a list endpoint first returns it. */
  completes_after_listed?: boolean
  jobs?: ScenarioJob[]
}

export interface ScenarioRepository {
  owner: string
  name: string
  id: number
  private: boolean
  /** Archived (read-only); default false. */
  archived?: boolean
  /** A fork of another repository; default false. */
  fork?: boolean
  default_branch?: string
  workflows: ScenarioWorkflow[]
  runs: ScenarioRun[]
}

export interface Scenario {
  /** Fixed clock (ISO 8601); omitted = real time. */
  now?: string
  /** Token string → what it may do. */
  tokens: Record<string, ScenarioToken>
  /** Default rate limit of every token. */
  rateLimit?: ScenarioRateLimit
  repositories: ScenarioRepository[]
}

/**
 * Checks the parts of a parsed JSON value that the simulator relies on and returns it typed.
 * Throws an `Error` naming the first offending field (e.g. `repositories[0].runs[3].id must be a
 * number`). Fields it does not know are kept as they are.
 */
export function parseScenario(value: unknown): Scenario {
  const fail = (where: string, what: string): never => {
    throw new Error(`Invalid scenario: ${where} ${what}`)
  }
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
  const need = (obj: Record<string, unknown>, where: string, key: string, type: string): void => {
    const v = obj[key]
    if (type === 'array' ? !Array.isArray(v) : typeof v !== type) {
      fail(`${where}.${key}`, `must be ${type === 'array' ? 'an array' : `a ${type}`}`)
    }
  }

  if (!isObject(value)) return fail('scenario', 'must be a JSON object')
  if (value['now'] !== undefined && Number.isNaN(Date.parse(String(value['now'])))) {
    fail('now', 'must be an ISO 8601 timestamp')
  }
  if (!isObject(value['tokens'])) fail('tokens', 'must be an object')
  for (const [token, info] of Object.entries(value['tokens'] as Record<string, unknown>)) {
    if (!isObject(info)) return fail(`tokens.${token}`, 'must be an object')
    need(info, `tokens.${token}`, 'login', 'string')
    if (!['github-token', 'user', 'app'].includes(String(info['kind']))) {
      fail(`tokens.${token}.kind`, 'must be github-token, user or app')
    }
  }
  need(value, 'scenario', 'repositories', 'array')
  ;(value['repositories'] as unknown[]).forEach((repo, r) => {
    const where = `repositories[${r}]`
    if (!isObject(repo)) return fail(where, 'must be an object')
    need(repo, where, 'owner', 'string')
    need(repo, where, 'name', 'string')
    need(repo, where, 'id', 'number')
    need(repo, where, 'workflows', 'array')
    need(repo, where, 'runs', 'array')
    ;(repo['workflows'] as unknown[]).forEach((wf, w) => {
      if (!isObject(wf)) return fail(`${where}.workflows[${w}]`, 'must be an object')
      need(wf, `${where}.workflows[${w}]`, 'id', 'number')
      need(wf, `${where}.workflows[${w}]`, 'name', 'string')
      need(wf, `${where}.workflows[${w}]`, 'path', 'string')
    })
    ;(repo['runs'] as unknown[]).forEach((run, i) => {
      const at = `${where}.runs[${i}]`
      if (!isObject(run)) return fail(at, 'must be an object')
      for (const key of ['id', 'workflow_id', 'run_attempt', 'run_number']) {
        need(run, at, key, 'number')
      }
      for (const key of ['head_branch', 'head_sha', 'event', 'status', 'actor']) {
        need(run, at, key, 'string')
      }
      need(run, at, 'head_repository', 'string')
      if (Number.isNaN(Date.parse(String(run['created_at'])))) {
        fail(`${at}.created_at`, 'must be an ISO 8601 timestamp')
      }
    })
  })
  return value as unknown as Scenario
}

/**
 * Reads and checks a scenario JSON file (`path`: a file system path or a `file:` URL).
 * Throws when the file cannot be read, is not JSON, or fails {@link parseScenario}.
 */
export function loadScenarioFile(path: string | URL): Scenario {
  return parseScenario(JSON.parse(readFileSync(path, 'utf8')))
}

/**
 * The checked-in demo scenario (`simulator/scenarios/demo.json`: `acme/web` and `acme/api` with
 * a few hundred runs, forks included), freshly read on every call so callers may mutate it.
 */
export function demoScenario(): Scenario {
  return loadScenarioFile(new URL('./scenarios/demo.json', import.meta.url))
}

/** A timestamp as scenarios write them: ISO 8601 to the second, in UTC. */
const SCENARIO_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/

/**
 * The scenario with every timestamp moved by the same amount, so that its clock (`now`) reads
 * `to`, and with `now` removed: the simulator then runs on real time. Ages stay as written (a run
 * created 3 h before `now` is created 3 h before `to`), which is what the action judges by, since
 * it reads the real clock. A scenario without `now` is returned as it is (copied).
 * @param to the new clock, by default the real time.
 */
export function rebaseScenario(scenario: Scenario, to: Date = new Date()): Scenario {
  const copy = structuredClone(scenario)
  if (copy.now === undefined) return copy
  const shiftMs = to.getTime() - Date.parse(copy.now)
  const move = (iso: string): string =>
    new Date(Date.parse(iso) + shiftMs).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string' && SCENARIO_TIMESTAMP.test(value)) return move(value)
    if (Array.isArray(value)) return value.map(visit)
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, visit(inner)]))
    }
    return value
  }
  const moved = visit(copy) as Scenario
  delete moved.now
  return moved
}
