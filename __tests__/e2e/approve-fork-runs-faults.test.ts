/**
 * approve-fork-runs under faults: fork runs waiting for approval (PULLS pull requests of
 * RUNS_PER_PULL runs each), with 5xx bursts, dropped connections, lost answers, secondary and
 * primary rate limits, hung requests, and runs and pull requests that change while the action
 * works. After every run, the simulator's state and the action's `result` must agree run by run,
 * and every fault injected must have happened.
 */
import { describe, expect, it } from '@jest/globals'
import {
  backlogSha,
  forkBacklog,
  WAITING,
  type BacklogPull
} from '../../__fixtures__/approve-fork-runs.js'
import { simulatorPerFaultTest } from '../../__fixtures__/spent-faults.js'
import { type RunState, type ScenarioPull, type Simulator } from '../../simulator/index.js'
import { atFraction } from '../lib/faults.js'
import { E2E_HEAVY, runAction, type ActionRun } from '../lib/run-action.js'
import { statusOf as stateOf } from '../lib/world.js'

/**
 * The backlog: 60 pull requests of five runs (two workflows) with `ACTIONS_OPS_E2E=heavy`, else 20
 * of two: enough for each fault to hit a pull request of its own, and for the rate-limit test to
 * have a protected pull request (every tenth: 9, 19, …) on each side of where it stops.
 */
const [PULLS, RUNS_PER_PULL] = E2E_HEAVY ? [60, 5] : [20, 2]
const TARGETS = RUNS_PER_PULL * PULLS
/**
 * The listing's requests: the first page of every run, which holds them all up to 100; past that,
 * the waiting runs' pages, 100 runs each.
 */
const LISTING = TARGETS <= 100 ? 1 : 1 + Math.ceil(TARGETS / 100)
const INPUTS = { operation: 'approve-fork-runs', limit: '1000' }

const simulate = simulatorPerFaultTest()
let backlog: BacklogPull[] = []

async function busyRepository(): Promise<Simulator> {
  const built = forkBacklog(PULLS, RUNS_PER_PULL)
  backlog = built.backlog
  return simulate(built.world)
}

const pullOf = (k: number): BacklogPull => {
  const pull = backlog[k]
  if (!pull) throw new Error(`the backlog has no pull request ${k}`)
  return pull
}
const pullAt = atFraction(PULLS)
/**
 * The backlog pull request `fraction` of the way from the oldest (0, judged first) to the newest
 * (1); never a protected one, whose runs are not approved.
 */
const at = (fraction: number): number => {
  const k = pullAt(fraction)
  if (pullOf(k).protected) throw new Error(`pull request ${k} is protected: pick another fraction`)
  return k
}
/** The id of run `w` of backlog pull request k. */
const runOf = (k: number, w = 0): number => {
  const id = pullOf(k).runs[w]
  if (id === undefined) throw new Error(`pull request ${k} has no run ${w}`)
  return id
}
const approvePath = (id: number): string => `/repos/acme/web/actions/runs/${id}/approve`
const pullPath = (k: number): string => `/repos/acme/web/pulls/${pullOf(k).number}`
const filesPath = (k: number): string => `${pullPath(k)}/files`
const reasonsOf = (run: ActionRun, outcome: string): Set<string> =>
  new Set(run.result.filter(r => r.outcome === outcome).map(r => r.reason))

/**
 * Every waiting run is reported exactly once, each outcome matches the run's state in the
 * simulator, and no run had more than one approval go through unfaulted (a retry after a success
 * would be a second one).
 */
function expectStateToAgree(s: Simulator, result: ActionRun['result']): void {
  const ids = backlog.flatMap(pull => pull.runs)
  expect(result.map(r => Number(r.id)).sort()).toEqual([...ids].sort())
  for (const entry of result) {
    const state = stateOf(s, Number(entry.id))
    let expected = WAITING
    if (entry.outcome === 'done') expected = 'queued/'
    else if (entry.reason.startsWith('run gone')) expected = 'missing'
    else if (entry.reason.startsWith('no longer waiting'))
      expected = state !== WAITING && state !== 'missing' ? state : 'anything but waiting'
    expect([entry.id, entry.outcome, entry.reason, state]).toEqual([
      entry.id,
      entry.outcome,
      entry.reason,
      expected
    ])
  }
  const clean = new Map<string, number>()
  for (const r of s.requests)
    if (r.method === 'POST' && r.fault === undefined)
      clean.set(r.path, (clean.get(r.path) ?? 0) + 1)
  expect([...clean].filter(([, count]) => count > 1)).toEqual([])
}

describe('approve-fork-runs under faults', () => {
  it('should survive 5xx bursts, dropped connections and lost answers on reads and approvals', async () => {
    const s = await busyRepository()
    s.faults.add({ operationId: 'actions/list-workflow-runs-for-repo', kind: 'drop', times: 1 })
    s.faults.add({
      operationId: 'actions/list-workflow-runs-for-repo',
      kind: 'status',
      status: 502,
      times: 2
    })
    s.faults.add({ operationId: 'pulls/list', kind: 'status', status: 503, times: 3 })
    s.faults.add({ path: filesPath(at(1 / 6)), kind: 'drop', times: 2 })
    s.faults.add({ path: filesPath(at(1 / 3)), kind: 'status', status: 500, times: 3 })
    s.faults.add({ path: pullPath(at(1 / 2)), kind: 'status', status: 502, times: 2 })
    // Bursts on different runs' approvals, each within the three retries the client allows.
    const [burst500, burstDrop] = [runOf(at(2 / 3), 0), runOf(at(2 / 3), 1)]
    const burst503 = runOf(at(3 / 4))
    s.faults.add({ path: approvePath(burst500), kind: 'status', status: 500, times: 3 })
    s.faults.add({ path: approvePath(burstDrop), kind: 'drop', times: 2 })
    s.faults.add({ path: approvePath(burst503), kind: 'status', status: 503, times: 1 })
    // Two approvals take effect, but their answers are lost (an error, a dropped connection).
    const lost502 = runOf(at(5 / 6))
    const lostDrop = runOf(at(11 / 12))
    for (const [id, kind] of [
      [lost502, 'status'],
      [lostDrop, 'drop']
    ] as const)
      s.faults.add({ path: approvePath(id), kind, status: 502, times: 1, after: 'after-handler' })

    const result = await runAction({ apiUrl: s.url, with: INPUTS })
    expect(result.exitCode).toBe(0)
    expect(result.result).toHaveLength(TARGETS)
    expect(result.result.filter(r => r.outcome === 'failed')).toEqual([])
    const safe = backlog.filter(pull => !pull.protected).flatMap(pull => pull.runs)
    const lost = [lost502, lostDrop]
    // A lost approval is read back (the run no longer waits) and reported done, not sent again.
    expect(result.result.filter(r => lost.includes(Number(r.id))).map(r => r.outcome)).toEqual([
      'done',
      'done'
    ])
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(safe.length)
    expect(result.outputs.count).toBe(String(safe.length))
    expect(reasonsOf(result, 'skipped')).toEqual(
      new Set(
        backlog
          .filter(pull => pull.protected)
          .map(pull => `touches .github/workflows/ci.yml (pull request #${pull.number})`)
      )
    )
    for (const id of lost) {
      const read = s.requests.filter(r => r.path === `/repos/acme/web/actions/runs/${id}`)
      expect([id, read.map(r => r.status)]).toEqual([id, [200]])
    }
    expect(safe.map(id => stateOf(s, id)).filter(state => state !== 'queued/')).toEqual([])
    // Each faulted approval was sent again until it got through, once; a lost one never again.
    const attempts: Array<[number, number]> = [
      [burst500, 4],
      [burstDrop, 3],
      [burst503, 2],
      [lost502, 1],
      [lostDrop, 1]
    ]
    for (const [id, count] of attempts)
      expect([id, s.requests.filter(r => r.path === approvePath(id)).length]).toEqual([id, count])
    // One lookup per head and one listing per pull request, however many runs and retries.
    expect(s.requestCount({ operationId: 'pulls/list' })).toBe(PULLS + 3)
    expect(s.requestCount({ operationId: 'pulls/list-files' })).toBe(PULLS + 2 + 3)
    expectStateToAgree(s, result.result)
  })

  it('should wait out secondary rate limits and hung requests, and resume', async () => {
    const s = await busyRepository()
    s.faults.add({
      operationId: 'actions/approve-workflow-run',
      kind: 'secondary-rate-limit',
      status: 403,
      retryAfterSeconds: 2,
      times: 2
    })
    s.faults.add({
      operationId: 'actions/approve-workflow-run',
      kind: 'secondary-rate-limit',
      status: 429,
      retryAfterSeconds: 1,
      times: 1
    })
    s.faults.add({
      operationId: 'pulls/list-files',
      kind: 'secondary-rate-limit',
      status: 429,
      retryAfterSeconds: 1,
      times: 1
    })
    // Hung requests: a file listing and an approval that never answer.
    const hungApproval = runOf(at(13 / 15), 1)
    s.faults.add({ path: filesPath(at(7 / 12)), kind: 'hang', times: 1 })
    s.faults.add({ path: approvePath(hungApproval), kind: 'hang', times: 1 })

    const result = await runAction({ apiUrl: s.url, with: INPUTS })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('Secondary rate limit')
    expect(result.result.filter(r => r.outcome === 'failed')).toEqual([])
    const protectedRuns = backlog.filter(pull => pull.protected).length * RUNS_PER_PULL
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(TARGETS - protectedRuns)
    expect(stateOf(s, hungApproval)).toBe('queued/')
    expect(s.requests.filter(r => r.fault === 'hang')).toHaveLength(2)
    expectStateToAgree(s, result.result)
  })

  it('should report the remaining runs skipped with the reset time when the primary rate limit runs out', async () => {
    const s = await busyRepository()
    const bucket = s.state.rateLimits.ghs_write
    if (!bucket) throw new Error('the scenario has no rate-limit bucket for ghs_write')
    // The listing, then the first half of the pull requests, each judged and then approved:
    // a safe one costs a lookup, a file listing, a re-read and an approval per run; a protected one
    // a lookup and a file listing. The next one is judged safe, and its first approval spends the
    // last request.
    const cut = at(1 / 2)
    const safe = backlog.slice(0, cut).filter(pull => !pull.protected).length
    const approvals = safe * RUNS_PER_PULL + 1
    const allowed = LISTING + safe * 3 + (cut - safe) * 2 + 3 + approvals
    bucket.remaining = allowed
    const result = await runAction({ apiUrl: s.url, with: INPUTS })
    expect(result.exitCode).toBe(0)
    const reset = new Date(bucket.reset * 1000).toISOString()
    const judged = backlog.slice(0, cut + 1)
    expect(reasonsOf(result, 'skipped')).toEqual(
      new Set([
        `rate limit exhausted until ${reset}`,
        ...judged
          .filter(pull => pull.protected)
          .map(pull => `touches .github/workflows/ci.yml (pull request #${pull.number})`)
      ])
    )
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(approvals)
    expect(result.result.filter(r => r.outcome === 'failed')).toEqual([])
    // Every run of the pull requests not judged, and the judged one's runs after its first.
    expect(result.result.filter(r => r.reason.startsWith('rate limit'))).toHaveLength(
      TARGETS - judged.length * RUNS_PER_PULL + RUNS_PER_PULL - 1
    )
    // That answer (x-ratelimit-remaining: 0) tells the boundary, which sends no other approval,
    // and the handler, which reads no other pull request: nothing is sent after it.
    expect(s.requestCount({ operationId: 'pulls/list' })).toBe(judged.length)
    expect(s.requestCount({ operationId: 'actions/approve-workflow-run' })).toBe(approvals)
    expect(s.requests).toHaveLength(allowed)
    expectStateToAgree(s, result.result)
  })

  it('should give each run that changed while the action worked the right outcome', async () => {
    const s = await busyRepository()
    // Pull request 5's file listing is held back (0–4 are judged and approved by then);
    // meanwhile, the world changes.
    const held = 5
    s.faults.add({ path: filesPath(held), kind: 'latency', delayMs: 1500, times: 1 })
    const running = runAction({ apiUrl: s.url, with: INPUTS })
    for (let i = 0; i < 400; i++) {
      if (s.requests.some(r => r.path === filesPath(held))) break
      await new Promise(resolve => setTimeout(resolve, 25))
    }
    const repo = s.state.repositories[0]
    const pull = (k: number): ScenarioPull => {
      const found = repo?.pulls?.find(p => p.number === pullOf(k).number)
      if (!found) throw new Error(`no pull request ${pullOf(k).number}`)
      return found
    }
    const run = (id: number): RunState => {
      const found = repo?.runs.find(r => r.id === id)
      if (!found) throw new Error(`no run ${id}`)
      return found
    }
    // Pull request 5 gets a new commit while its files are read; a later one before its lookup; 3
    // after it was judged safe and approved.
    const movedLater = at(2 / 3)
    Object.assign(pull(held).head, { sha: 'e'.repeat(40) })
    Object.assign(pull(movedLater).head, { sha: 'f'.repeat(40) })
    Object.assign(pull(3).head, { sha: 'd'.repeat(40) })
    pull(3).files = [{ filename: '.github/workflows/ci.yml' }]
    // A later pull request is closed; a run of 2 (approved already) and of a later one (not
    // judged yet) are approved by a maintainer; later runs are cancelled, deleted.
    const closed = at(3 / 4)
    pull(closed).state = 'closed'
    const approvedJudged = runOf(2)
    const approvedLater = runOf(at(4 / 5))
    const cancelled = runOf(at(13 / 15))
    const deleted = runOf(at(14 / 15))
    Object.assign(run(approvedJudged), { status: 'queued', conclusion: null })
    Object.assign(run(approvedLater), { status: 'queued', conclusion: null })
    Object.assign(run(cancelled), { status: 'completed', conclusion: 'cancelled' })
    if (repo) repo.runs = repo.runs.filter(r => r.id !== deleted)

    const result = await running
    expect(result.exitCode).toBe(0)
    const outcome = (id: number): string => {
      const entry = result.result.find(r => r.id === id)
      return `${entry?.outcome}: ${entry?.reason}`
    }
    const notWaiting =
      'skipped: no longer waiting for approval (403 This workflow run is not waiting for approval): approved, cancelled or re-run meanwhile'
    const moved = (k: number, to: string): string =>
      `skipped: pull request #${pullOf(k).number} moved to ${to} (run is at ${backlogSha(k).slice(0, 7)})`
    expect(new Set(pullOf(held).runs.map(outcome))).toEqual(new Set([moved(held, 'eeeeeee')]))
    expect(outcome(runOf(movedLater))).toBe(moved(movedLater, 'fffffff'))
    expect(outcome(runOf(3))).toMatch(new RegExp(`^done: pull request #${pullOf(3).number} at `))
    expect(outcome(runOf(closed))).toBe(
      `skipped: no open pull request at ${backlogSha(closed).slice(0, 7)}`
    )
    // Pull request 2's runs were approved as soon as judged, before the maintainer's approval.
    expect(outcome(approvedJudged)).toMatch(
      new RegExp(`^done: pull request #${pullOf(2).number} at `)
    )
    expect([approvedLater, cancelled].map(outcome)).toEqual([notWaiting, notWaiting])
    expect(outcome(deleted)).toBe(
      'skipped: run gone or already approved (404 Not Found); nothing left to approve'
    )
    expect(stateOf(s, cancelled)).toBe('completed/cancelled')
    expect(result.result.filter(r => r.outcome === 'failed')).toEqual([])
    expectStateToAgree(s, result.result)
  })
})
