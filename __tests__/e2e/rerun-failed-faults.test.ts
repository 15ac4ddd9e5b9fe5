/**
 * rerun-failed under faults: failed runs (RUNS of them), with 5xx bursts, dropped connections, lost
 * answers, secondary and primary rate limits, hung requests, and runs re-run or deleted by someone
 * else between the listing and the re-run. After every run, the simulator's state and the action's
 * `result` must agree run by run, no run may have been re-run twice, and every fault injected must
 * have happened.
 */
import { describe, expect, it } from '@jest/globals'
import {
  FLAKY_FIRST_ID,
  flakyScenario,
  rerunsOf,
  retriedElsewhere
} from '../../__fixtures__/rerun-failed.js'
import { minutesAgo, onArrival, run } from '../../__fixtures__/scenario.js'
import { simulatorPerFaultTest } from '../../__fixtures__/spent-faults.js'
import { type Simulator } from '../../simulator/index.js'
import { atFraction } from '../lib/faults.js'
import { E2E_HEAVY, runAction, type ActionRun } from '../lib/run-action.js'
import { runOf } from '../lib/world.js'

/** Failed runs: 300 with `ACTIONS_OPS_E2E=heavy`, else enough for each fault to hit its own run. */
const RUNS = E2E_HEAVY ? 300 : 30
/** Pages of the listing of failed runs: 100 runs per page. */
const PAGES = Math.ceil(RUNS / 100)
/**
 * Pages of the listing of recent runs below the first page: the failed runs, and the oldest run of
 * that first page again (its upper bound is inclusive, so runs of the same second are not missed).
 */
const SCAN_PAGES = Math.ceil((RUNS + 1) / 100)
/**
 * Successful runs newer than every failed one, so that the repository holds more runs than one
 * page (100) in either size and the first page of every recent run shows none of the failed runs:
 * the action then lists the failed runs with a status filter and scans the runs created since the
 * oldest of them below that first page (the listings the faults below hit), where a quieter
 * repository would be decided from one page.
 */
const NEWER_RUNS = 100
const RERUN = 'actions/re-run-workflow-failed-jobs'
const JOBS = 'actions/list-jobs-for-workflow-run'
/** The listing of failed runs (with `status`) and of every recent run (without). */
const SCAN = '/repos/acme/web/actions/runs'
const ALREADY_RUNNING = 'already being retried (GitHub: already running)'
const simulate = simulatorPerFaultTest()

async function flakyRepository(): Promise<Simulator> {
  const world = flakyScenario(RUNS)
  // The newest failed run was created 11 minutes ago; these, one a few seconds, in the last 10.
  const newer = Array.from({ length: NEWER_RUNS }, (_, k) =>
    run({
      id: FLAKY_FIRST_ID + 10_000 + k,
      head_branch: `busy/${k}`,
      status: 'completed',
      conclusion: 'success',
      created_at: minutesAgo(10 - (k * 9) / NEWER_RUNS)
    })
  )
  world.repositories[0]?.runs.push(...newer)
  return simulate(world)
}

const id = (n: number): number => FLAKY_FIRST_ID + n
/**
 * The run `fraction` of the way from the oldest (0) to the newest (1). The newest is checked and
 * re-run first.
 */
const at = atFraction(RUNS, FLAKY_FIRST_ID)
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
    // Reads: the first page of every recent run, the failed listing (PAGES pages), then the
    // listing of newer runs (below).
    s.faults.add({
      operationId: 'actions/list-workflow-runs-for-repo',
      kind: 'status',
      status: 502,
      times: 2
    })
    s.faults.add({ operationId: 'actions/list-workflow-runs-for-repo', kind: 'drop', times: 1 })
    // Writes: bursts on different runs' re-runs, each within the three retries the client allows.
    s.faults.add({ path: rerunPath(at(2 / 3)), kind: 'status', status: 500, times: 3 })
    s.faults.add({ path: rerunPath(at(1 / 2)), kind: 'status', status: 503, times: 2 })
    s.faults.add({ path: rerunPath(at(2 / 5)), kind: 'drop', times: 2 })
    s.faults.add({ path: rerunPath(at(1 / 3)), kind: 'status', status: 502, times: 1 })
    // The re-runs of these take effect, but their answers are lost (an error, a dropped connection).
    const [lost502, lostDrop] = [at(1 / 6), at(2 / 15)]
    s.faults.add({
      path: rerunPath(lost502),
      kind: 'status',
      status: 502,
      times: 1,
      after: 'after-handler'
    })
    s.faults.add({ path: rerunPath(lostDrop), kind: 'drop', times: 1, after: 'after-handler' })
    // Runs someone else re-runs before the checks (queued, passed, failed again), and one re-run
    // and one deleted after the checks: the oldest two, re-run last.
    const [queued, passed, failedAgain] = [at(14 / 15), at(9 / 10), at(13 / 15)]
    const [retriedLater, deleted] = [id(1), id(0)]

    // Someone else acts while the action works: after the listing, before the checks...
    let checking = false
    let writing = false
    onArrival(s, request => {
      if (!checking && request.path === SCAN && request.query.exclude_pull_requests === 'true') {
        checking = true
        // Its first page fails three times (within the retries), like the failed listing's.
        s.faults.add({ path: SCAN, kind: 'status', status: 503, times: 2 })
        s.faults.add({ path: SCAN, kind: 'drop', times: 1 })
        retriedElsewhere(s, queued, null) // re-ran it; attempt 2 is queued
        retriedElsewhere(s, passed, 'success') // re-ran it; attempt 2 passed
        retriedElsewhere(s, failedAgain, 'failure') // re-ran it; attempt 2 failed again
      }
      // ... and after every check, before the re-runs.
      if (!writing && request.method === 'POST') {
        writing = true
        retriedElsewhere(s, retriedLater, null)
        const runs = s.state.repositories[0]?.runs ?? []
        runs.splice(
          runs.findIndex(r => r.id === deleted),
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
      .map(r => [r.id, r.outcome, r.reason])
    expect(notDone).toEqual([
      [queued, 'skipped', 'changed since listed: already being retried (attempt 2 is queued)'],
      [
        passed,
        'skipped',
        'changed since listed: conclusion success is not in conclusions (failure)'
      ],
      [retriedLater, 'skipped', ALREADY_RUNNING],
      [deleted, 'skipped', 'deleted since listed']
    ])
    // One listing of recent runs (every page, the first after three failures) decided every run.
    const scan = s.requests.filter(r => r.path === SCAN && r.query.exclude_pull_requests === 'true')
    expect(scan.map(r => r.status)).toEqual([503, 503, 0, ...Array<number>(SCAN_PAGES).fill(200)])
    expect(s.requestCount({ operationId: 'actions/list-workflow-runs' })).toBe(0)
    // This run is judged as it is now: attempt 2 failed again, so attempt 3 is the action's.
    expect(result.result.find(r => r.id === failedAgain)?.reason).toBe(
      'conclusion failure, attempt 2'
    )
    expect(runOf(s, failedAgain).run_attempt).toBe(3)
    // The lost answers: re-run once by the first attempt, which a read of the run then showed.
    const lost: Array<[number, number]> = [
      [lost502, 502],
      [lostDrop, 0]
    ]
    for (const [run, status] of lost) {
      expect([run, rerunsOf(s, run)]).toEqual([run, 1])
      expect(s.requests.filter(r => r.path === rerunPath(run)).map(r => r.status)).toEqual([status])
      const read = s.requests.filter(r => r.path === `/repos/acme/web/actions/runs/${run}`)
      expect([run, read.map(r => r.status)]).toEqual([run, [200]])
    }
    expect(result.outputs['run-ids']?.split(',')).toEqual(
      expect.arrayContaining([String(lost502), String(lostDrop)])
    )
    expect(rerunsOf(s, retriedLater)).toBe(0)
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
    const hung = at(1 / 2)
    s.faults.add({ path: rerunPath(hung), kind: 'hang', times: 1 })
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
    expect(s.requests.filter(r => r.path === rerunPath(hung)).map(r => r.status)).toEqual([0, 201])
    expect(rerunsOf(s, hung)).toBe(1)
    expectStateToAgree(s, result.result)
  })

  it('should report the remaining runs skipped with the reset time when the rate limit runs out during the re-runs', async () => {
    const s = await flakyRepository()
    const bucket = s.state.rateLimits.ghs_write
    if (!bucket) throw new Error('the scenario has no rate-limit bucket for ghs_write')
    // The first page of every recent run, the pages of failed runs, then re-runs of a third of
    // them.
    const reruns = RUNS / 3
    const allowed = 1 + PAGES + reruns
    bucket.remaining = allowed
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'rerun-failed', limit: '1000', 'skip-superseded': 'false' }
    })
    expect(result.exitCode).toBe(0)
    const reset = new Date(bucket.reset * 1000).toISOString()
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(reruns)
    const skipped = result.result.filter(r => r.outcome === 'skipped')
    expect(skipped).toHaveLength(RUNS - reruns)
    expect(new Set(skipped.map(r => r.reason))).toEqual(
      new Set([`rate limit exhausted until ${reset}`])
    )
    // The last re-run's answer showed x-ratelimit-remaining: 0; nothing was sent after it.
    expect(s.requestCount({ operationId: RERUN })).toBe(reruns)
    expect(s.requests).toHaveLength(allowed)
    expectStateToAgree(s, result.result)
  })

  it('should skip the remaining runs, without asking further, when the rate limit runs out during the checks', async () => {
    const s = await flakyRepository()
    const bucket = s.state.rateLimits.ghs_write
    if (!bucket) throw new Error('the scenario has no rate-limit bucket for ghs_write')
    // The first page of every recent run, the pages of failed runs and of recent runs, then per
    // run its job listing and its re-run: a quarter of the runs less one are re-run, and the next
    // run's job listing spends the last request.
    const checked = Math.floor(RUNS / 4)
    const reruns = checked - 1
    const allowed = 1 + PAGES + SCAN_PAGES + reruns * 2 + 1
    bucket.remaining = allowed
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'rerun-failed', limit: '1000', 'job-filter': 'test' }
    })
    expect(result.exitCode).toBe(0)
    const reset = new Date(bucket.reset * 1000).toISOString()
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(reruns)
    const skipped = result.result.filter(r => r.outcome === 'skipped')
    expect(skipped).toHaveLength(RUNS - reruns)
    expect(new Set(skipped.map(r => r.reason))).toEqual(
      new Set([`rate limit exhausted until ${reset}`])
    )
    // That answer told the action: nothing was sent after it.
    expect(s.requestCount({ operationId: JOBS })).toBe(checked)
    expect(s.requestCount({ operationId: RERUN })).toBe(reruns)
    expect(s.requests).toHaveLength(allowed)
    expectStateToAgree(s, result.result)
  })
})
