/**
 * approve-fork-runs under faults: 300 fork runs waiting for approval (60 pull requests, five
 * workflows each), with 5xx bursts, dropped connections, lost answers, secondary and primary rate
 * limits, hung requests, and runs and pull requests that change while the action works. After every
 * run, the simulator's state and the action's `result` must agree run by run.
 */
import { describe, expect, it } from '@jest/globals'
import { backlogSha, forkBacklog, type BacklogPull } from '../../__fixtures__/approve-fork-runs.js'
import { type RunState, type ScenarioPull, type Simulator } from '../../simulator/index.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const PULLS = 60
const RUNS_PER_PULL = 5
const TARGETS = RUNS_PER_PULL * PULLS
const WAITING = 'completed/action_required'
const INPUTS = { operation: 'approve-fork-runs', limit: '1000' }

const simulate = simulatorPerTest()
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
/** The id of run `w` of backlog pull request k. */
const runOf = (k: number, w = 0): number => {
  const id = pullOf(k).runs[w]
  if (id === undefined) throw new Error(`pull request ${k} has no run ${w}`)
  return id
}
const approvePath = (id: number): string => `/repos/acme/web/actions/runs/${id}/approve`
const stateOf = (s: Simulator, id: number): string => {
  const run = s.state.repositories[0]?.runs.find(r => r.id === id)
  return run ? `${run.status}/${run.conclusion ?? ''}` : 'missing'
}
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
    s.faults.add({ path: '/repos/acme/web/pulls/1010/files', kind: 'drop', times: 2 })
    s.faults.add({
      path: '/repos/acme/web/pulls/1020/files',
      kind: 'status',
      status: 500,
      times: 3
    })
    s.faults.add({ path: '/repos/acme/web/pulls/1030', kind: 'status', status: 502, times: 2 })
    // Bursts on different runs' approvals, each within the three retries the client allows.
    const [burst500, burstDrop] = [runOf(40, 0), runOf(40, 1)]
    const burst503 = runOf(45)
    s.faults.add({ path: approvePath(burst500), kind: 'status', status: 500, times: 3 })
    s.faults.add({ path: approvePath(burstDrop), kind: 'drop', times: 2 })
    s.faults.add({ path: approvePath(burst503), kind: 'status', status: 503, times: 1 })
    // Two approvals take effect, but their answers are lost (an error, a dropped connection).
    const lost502 = runOf(50)
    const lostDrop = runOf(55)
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
    s.faults.add({ path: '/repos/acme/web/pulls/1035/files', kind: 'hang', times: 1 })
    s.faults.add({ path: approvePath(runOf(52, 1)), kind: 'hang', times: 1 })

    const result = await runAction({ apiUrl: s.url, with: INPUTS })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain('Secondary rate limit')
    expect(result.result.filter(r => r.outcome === 'failed')).toEqual([])
    const protectedRuns = backlog.filter(pull => pull.protected).length * RUNS_PER_PULL
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(TARGETS - protectedRuns)
    expect(stateOf(s, runOf(52, 1))).toBe('queued/')
    expect(s.requests.filter(r => r.fault === 'hang')).toHaveLength(2)
    expectStateToAgree(s, result.result)
  })

  it('should report the remaining runs skipped with the reset time when the primary rate limit runs out', async () => {
    const s = await busyRepository()
    const bucket = s.state.rateLimits.ghs_write
    if (!bucket) throw new Error('the scenario has no rate-limit bucket for ghs_write')
    // The first page of every run (more than one page holds them), 3 pages of waiting runs, then
    // pull requests 0–29, each judged and then approved: the 27 safe ones cost a lookup, a file
    // listing, a re-read and 5 approvals; the 3 protected ones a lookup and a file listing. Pull
    // request 30 is judged safe, and its second approval spends the last request.
    bucket.remaining = 1 + 3 + 27 * 8 + 3 * 2 + 3 + 2
    const result = await runAction({ apiUrl: s.url, with: INPUTS })
    expect(result.exitCode).toBe(0)
    const reset = new Date(bucket.reset * 1000).toISOString()
    const judged = backlog.slice(0, 31)
    expect(reasonsOf(result, 'skipped')).toEqual(
      new Set([
        `rate limit exhausted until ${reset}`,
        ...judged
          .filter(pull => pull.protected)
          .map(pull => `touches .github/workflows/ci.yml (pull request #${pull.number})`)
      ])
    )
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(27 * 5 + 2)
    expect(result.result.filter(r => r.outcome === 'failed')).toEqual([])
    expect(result.result.filter(r => r.reason.startsWith('rate limit'))).toHaveLength(
      TARGETS - 31 * RUNS_PER_PULL + 3
    )
    // That answer (x-ratelimit-remaining: 0) tells the boundary, which sends no other approval,
    // and the handler, which reads no other pull request: nothing is sent after it.
    expect(s.requestCount({ operationId: 'pulls/list' })).toBe(31)
    expect(s.requestCount({ operationId: 'actions/approve-workflow-run' })).toBe(27 * 5 + 2)
    expect(s.requests).toHaveLength(1 + 3 + 27 * 8 + 3 * 2 + 3 + 2)
    expectStateToAgree(s, result.result)
  })

  it('should give each run that changed while the action worked the right outcome', async () => {
    const s = await busyRepository()
    // Pull request 5's file listing is held back; meanwhile, the world changes.
    s.faults.add({
      path: '/repos/acme/web/pulls/1005/files',
      kind: 'latency',
      delayMs: 1500,
      times: 1
    })
    const running = runAction({ apiUrl: s.url, with: INPUTS })
    for (let i = 0; i < 400; i++) {
      if (s.requests.some(r => r.path === '/repos/acme/web/pulls/1005/files')) break
      await new Promise(resolve => setTimeout(resolve, 25))
    }
    const repo = s.state.repositories[0]
    const pull = (k: number): ScenarioPull => {
      const found = repo?.pulls?.find(p => p.number === 1000 + k)
      if (!found) throw new Error(`no pull request ${1000 + k}`)
      return found
    }
    const run = (id: number): RunState => {
      const found = repo?.runs.find(r => r.id === id)
      if (!found) throw new Error(`no run ${id}`)
      return found
    }
    // Pull request 5 gets a new commit while its files are read; 40 before its lookup; 3 after
    // it was judged safe and approved.
    Object.assign(pull(5).head, { sha: 'e'.repeat(40) })
    Object.assign(pull(40).head, { sha: 'f'.repeat(40) })
    Object.assign(pull(3).head, { sha: 'd'.repeat(40) })
    pull(3).files = [{ filename: '.github/workflows/ci.yml' }]
    // Pull request 45 is closed; a run of 2 (approved already) and of 48 (not judged yet) are
    // approved by a maintainer; a run of 52 is cancelled; a run of 56 is deleted.
    pull(45).state = 'closed'
    const approvedJudged = runOf(2)
    const approvedLater = runOf(48)
    const cancelled = runOf(52)
    const deleted = runOf(56)
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
    expect(new Set(pullOf(5).runs.map(outcome))).toEqual(
      new Set([
        `skipped: pull request #1005 moved to eeeeeee (run is at ${backlogSha(5).slice(0, 7)})`
      ])
    )
    expect(outcome(runOf(40))).toBe(
      `skipped: pull request #1040 moved to fffffff (run is at ${backlogSha(40).slice(0, 7)})`
    )
    expect(outcome(runOf(3))).toMatch(/^done: pull request #1003 at /)
    expect(outcome(runOf(45))).toBe(
      `skipped: no open pull request at ${backlogSha(45).slice(0, 7)}`
    )
    // Pull request 2's runs were approved as soon as judged, before the maintainer's approval.
    expect(outcome(approvedJudged)).toMatch(/^done: pull request #1002 at /)
    expect([approvedLater, cancelled].map(outcome)).toEqual([notWaiting, notWaiting])
    expect(outcome(deleted)).toBe(
      'skipped: run gone or already approved (404 Not Found); nothing left to approve'
    )
    expect(stateOf(s, cancelled)).toBe('completed/cancelled')
    expect(result.result.filter(r => r.outcome === 'failed')).toEqual([])
    expectStateToAgree(s, result.result)
  })
})
