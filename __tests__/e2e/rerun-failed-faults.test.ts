/**
 * rerun-failed under faults: 300 failed runs, with 5xx bursts, dropped connections, lost answers,
 * secondary and primary rate limits, hung requests, and runs re-run or deleted by someone else
 * between the listing and the re-run. After every run, the simulator's state and the action's
 * `result` must agree run by run, and no run may have been re-run twice.
 */
import { describe, expect, it } from '@jest/globals'
import {
  FLAKY_FIRST_ID,
  flakyScenario,
  rerunsOf,
  retriedElsewhere,
  runOf
} from '../../__fixtures__/rerun-failed.js'
import { onArrival } from '../../__fixtures__/scenario.js'
import { type Simulator } from '../../simulator/index.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const RUNS = 300
const RERUN = 'actions/re-run-workflow-failed-jobs'
const JOBS = 'actions/list-jobs-for-workflow-run'
/** The listing of failed runs (with `status`) and of every recent run (without). */
const SCAN = '/repos/acme/web/actions/runs'
const ALREADY_RUNNING = 'already being retried (GitHub: already running)'
const simulate = simulatorPerTest()

async function flakyRepository(): Promise<Simulator> {
  return simulate(flakyScenario(RUNS))
}

const id = (n: number): number => FLAKY_FIRST_ID + n
const rerunPath = (run: number): string => `/repos/acme/web/actions/runs/${run}/rerun-failed-jobs`

/**
 * One result per run; each outcome matches the run's state in the simulator: `done` ⇔ the action's
 * one accepted re-run made the latest attempt; GitHub's "already running" ⇒ the run is active
 * (re-run at most once by the action, when its answer was lost); a deleted run is gone; any
 * other outcome ⇒ the action never re-ran it. No run was re-run twice.
 */
function expectStateToAgree(s: Simulator, result: ActionRun['result']): void {
  expect(result).toHaveLength(RUNS)
  expect(new Set(result.map(r => r.id)).size).toBe(RUNS)
  const runs = new Map(s.state.repositories[0]?.runs.map(r => [r.id, r]))
  for (const entry of result) {
    const state = runs.get(Number(entry.id))
    const ours = state?.reruns?.length ?? 0
    const seen = [entry.id, entry.outcome, entry.reason]
    if (entry.outcome === 'done') {
      expect([...seen, ours, state?.status, state?.run_attempt]).toEqual([
        ...seen,
        1,
        'queued',
        state?.reruns?.[0]?.attempt
      ])
    } else if (entry.reason === ALREADY_RUNNING) {
      expect([...seen, state?.status !== 'completed', ours <= 1]).toEqual([...seen, true, true])
    } else if (entry.reason === 'deleted since listed') {
      expect([...seen, state]).toEqual([...seen, undefined])
    } else {
      expect([...seen, ours]).toEqual([...seen, 0])
    }
    if (entry.reason.startsWith('rate limit'))
      expect([...seen, state?.status, state?.run_attempt]).toEqual([...seen, 'completed', 1])
  }
  for (const state of runs.values())
    expect([state.id, (state.reruns?.length ?? 0) <= 1]).toEqual([state.id, true])
}

describe('rerun-failed under faults', () => {
  it('should survive 5xx bursts, dropped connections, lost answers and runs changed by others', async () => {
    const s = await flakyRepository()
    // Reads: the first page of every recent run, the failed listing (3 pages), then the listing
    // of newer runs (below).
    s.faults.add({
      operationId: 'actions/list-workflow-runs-for-repo',
      kind: 'status',
      status: 502,
      times: 2
    })
    s.faults.add({ operationId: 'actions/list-workflow-runs-for-repo', kind: 'drop', times: 1 })
    // Writes: bursts on different runs' re-runs, each within the three retries the client allows.
    s.faults.add({ path: rerunPath(id(200)), kind: 'status', status: 500, times: 3 })
    s.faults.add({ path: rerunPath(id(150)), kind: 'status', status: 503, times: 2 })
    s.faults.add({ path: rerunPath(id(120)), kind: 'drop', times: 2 })
    s.faults.add({ path: rerunPath(id(100)), kind: 'status', status: 502, times: 1 })
    // The re-runs of these take effect, but their answers are lost (an error, a dropped connection).
    s.faults.add({
      path: rerunPath(id(50)),
      kind: 'status',
      status: 502,
      times: 1,
      after: 'after-handler'
    })
    s.faults.add({ path: rerunPath(id(40)), kind: 'drop', times: 1, after: 'after-handler' })

    // Someone else acts while the action works: after the listing, before the checks...
    let checking = false
    let writing = false
    onArrival(s, request => {
      if (!checking && request.path === SCAN && request.query.exclude_pull_requests === 'true') {
        checking = true
        // Its first page fails three times (within the retries), like the failed listing's.
        s.faults.add({ path: SCAN, kind: 'status', status: 503, times: 2 })
        s.faults.add({ path: SCAN, kind: 'drop', times: 1 })
        retriedElsewhere(s, id(280), null) // re-ran it; attempt 2 is queued
        retriedElsewhere(s, id(270), 'success') // re-ran it; attempt 2 passed
        retriedElsewhere(s, id(260), 'failure') // re-ran it; attempt 2 failed again
      }
      // ... and after every check, before the re-runs.
      if (!writing && request.method === 'POST') {
        writing = true
        retriedElsewhere(s, id(10), null)
        const runs = s.state.repositories[0]?.runs ?? []
        runs.splice(
          runs.findIndex(r => r.id === id(5)),
          1
        )
      }
    })

    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'rerun-failed', limit: '1000' }
    })
    expect(result.exitCode).toBe(0)
    expect(result.result.filter(r => r.outcome === 'failed')).toEqual([])
    const notDone = result.result
      .filter(r => r.outcome !== 'done')
      .map(r => [Number(r.id) - FLAKY_FIRST_ID, r.outcome, r.reason])
    expect(notDone).toEqual([
      [280, 'skipped', 'changed since listed: already being retried (attempt 2 is queued)'],
      [270, 'skipped', 'changed since listed: conclusion success is not in conclusions (failure)'],
      [10, 'skipped', ALREADY_RUNNING],
      [5, 'skipped', 'deleted since listed']
    ])
    // One listing of recent runs (3 pages, the first after three failures) decided every run.
    const scan = s.requests.filter(r => r.path === SCAN && r.query.exclude_pull_requests === 'true')
    expect(scan.map(r => r.status)).toEqual([503, 503, 0, 200, 200, 200])
    expect(s.requestCount({ operationId: 'actions/list-workflow-runs' })).toBe(0)
    // Run 260 is judged as it is now: attempt 2 failed again, so attempt 3 is the action's.
    expect(result.result.find(r => r.id === id(260))?.reason).toBe('conclusion failure, attempt 2')
    expect(runOf(s, id(260)).run_attempt).toBe(3)
    // The lost answers: re-run once by the first attempt, which a read of the run then showed.
    const lost: Array<[number, number]> = [
      [id(50), 502],
      [id(40), 0]
    ]
    for (const [run, status] of lost) {
      expect([run, rerunsOf(s, run)]).toEqual([run, 1])
      expect(s.requests.filter(r => r.path === rerunPath(run)).map(r => r.status)).toEqual([status])
      const read = s.requests.filter(r => r.path === `/repos/acme/web/actions/runs/${run}`)
      expect([run, read.map(r => r.status)]).toEqual([run, [200]])
    }
    expect(result.outputs['run-ids']?.split(',')).toEqual(
      expect.arrayContaining([String(id(50)), String(id(40))])
    )
    expect(rerunsOf(s, id(10))).toBe(0)
    expectStateToAgree(s, result.result)
  })

  it('should wait out secondary rate limits on reads and writes, and give up on hung requests', async () => {
    const s = await flakyRepository()
    for (const status of [403, 429] as const) {
      s.faults.add({
        operationId: 'actions/list-workflow-runs-for-repo',
        kind: 'secondary-rate-limit',
        status,
        retryAfterSeconds: 1,
        times: 1
      })
      s.faults.add({
        operationId: RERUN,
        kind: 'secondary-rate-limit',
        status,
        retryAfterSeconds: 2,
        times: 1
      })
    }
    s.faults.add({ operationId: 'actions/list-workflow-runs-for-repo', kind: 'hang', times: 1 })
    s.faults.add({ path: rerunPath(id(150)), kind: 'hang', times: 1 })
    // Without the newer-run checks: this run is about the listing and the writes.
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'rerun-failed', limit: '1000', 'skip-superseded': 'false' }
    })
    expect(result.exitCode).toBe(0)
    expect(result.result.filter(r => r.outcome !== 'done')).toEqual([])
    expect(result.stdout).toContain('Secondary rate limit')
    expect(s.requests.filter(r => r.fault === 'secondary-rate-limit')).toHaveLength(4)
    // The hung re-run had no effect; its retry re-ran the run, once.
    expect(s.requests.filter(r => r.path === rerunPath(id(150))).map(r => r.status)).toEqual([
      0, 201
    ])
    expect(rerunsOf(s, id(150))).toBe(1)
    expectStateToAgree(s, result.result)
  })

  it('should report the remaining runs skipped with the reset time when the rate limit runs out during the re-runs', async () => {
    const s = await flakyRepository()
    const bucket = s.state.rateLimits.ghs_write
    if (!bucket) throw new Error('the scenario has no rate-limit bucket for ghs_write')
    // The first page of every recent run (more than one page holds), 3 pages of failed runs, then
    // 100 re-runs.
    bucket.remaining = 1 + 3 + 100
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'rerun-failed', limit: '1000', 'skip-superseded': 'false' }
    })
    expect(result.exitCode).toBe(0)
    const reset = new Date(bucket.reset * 1000).toISOString()
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(100)
    const skipped = result.result.filter(r => r.outcome === 'skipped')
    expect(skipped).toHaveLength(RUNS - 100)
    expect(new Set(skipped.map(r => r.reason))).toEqual(
      new Set([`rate limit exhausted until ${reset}`])
    )
    // The 100th re-run's answer showed x-ratelimit-remaining: 0; nothing was sent after it.
    expect(s.requestCount({ operationId: RERUN })).toBe(100)
    expect(s.requests).toHaveLength(1 + 3 + 100)
    expectStateToAgree(s, result.result)
  })

  it('should skip the remaining runs, without asking further, when the rate limit runs out during the checks', async () => {
    const s = await flakyRepository()
    const bucket = s.state.rateLimits.ghs_write
    if (!bucket) throw new Error('the scenario has no rate-limit bucket for ghs_write')
    // The first page of every recent run, 3 pages of failed runs, 3 of recent runs, then per run
    // its job listing and its re-run: 74 runs are re-run, and the 75th run's job listing spends the
    // last request.
    bucket.remaining = 1 + 3 + 3 + 74 * 2 + 1
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'rerun-failed', limit: '1000', 'job-filter': 'test' }
    })
    expect(result.exitCode).toBe(0)
    const reset = new Date(bucket.reset * 1000).toISOString()
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(74)
    const skipped = result.result.filter(r => r.outcome === 'skipped')
    expect(skipped).toHaveLength(RUNS - 74)
    expect(new Set(skipped.map(r => r.reason))).toEqual(
      new Set([`rate limit exhausted until ${reset}`])
    )
    // That answer told the action: nothing was sent after it.
    expect(s.requestCount({ operationId: JOBS })).toBe(75)
    expect(s.requestCount({ operationId: RERUN })).toBe(74)
    expect(s.requests).toHaveLength(1 + 3 + 3 + 74 * 2 + 1)
    expectStateToAgree(s, result.result)
  })
})
