/**
 * cancel-stale under faults: stale runs (STALE of them), with 5xx bursts, dropped connections, lost
 * answers, secondary and primary rate limits, and hung requests injected into the simulator, and
 * runs that others complete between the listing and the cancel. After every run, the simulator's
 * state and the action's `result` must agree run by run, and every fault injected must have
 * happened.
 */
import { describe, expect, it } from '@jest/globals'
import { minutesAgo, onArrival, repository, run, scenario } from '../../__fixtures__/scenario.js'
import { simulatorPerFaultTest } from '../../__fixtures__/spent-faults.js'
import { type Simulator } from '../../simulator/index.js'
import { completeRun } from '../../simulator/routes/runs.js'
import { atFraction } from '../lib/faults.js'
import { E2E_HEAVY, runAction, type ActionRun } from '../lib/run-action.js'

/** Stale runs: 300 with `ACTIONS_OPS_E2E=heavy`, else enough for each fault to hit its own run. */
const STALE = E2E_HEAVY ? 300 : 30
const FIRST_ID = 20_000
/** The stale run `fraction` of the way from the oldest (0) to the newest (1 is the survivor). */
const at = atFraction(STALE, FIRST_ID)
/**
 * The listing's requests: the first page of every run, which holds them all up to 100; past that,
 * a page per 100 runs in progress and one (empty) per other active status.
 */
const LISTING = STALE + 1 <= 100 ? 1 : 1 + Math.ceil((STALE + 1) / 100) + 4
const simulate = simulatorPerFaultTest()

/** STALE + 1 active runs of one group: the newest survives, the STALE others are superseded. */
async function busyRepository(): Promise<Simulator> {
  const runs = Array.from({ length: STALE + 1 }, (_, i) =>
    run({ id: FIRST_ID + i, created_at: minutesAgo(600 - i) })
  )
  return simulate(scenario(repository('acme/web', runs)))
}

/**
 * One result per stale run, each once; each reported outcome matches the run's state in the
 * simulator; no run was cancelled twice, and the newest run (the survivor) is still active.
 */
function expectStateToAgree(s: Simulator, result: ActionRun['result']): void {
  expect(result).toHaveLength(STALE)
  expect(result.map(r => Number(r.id)).sort((a, b) => a - b)).toEqual(
    Array.from({ length: STALE }, (_, i) => FIRST_ID + i)
  )
  const runs = new Map(s.state.repositories[0]?.runs.map(r => [r.id, r]))
  for (const entry of result) {
    const state = runs.get(Number(entry.id))
    const seen = [entry.id, entry.outcome, entry.reason]
    if (entry.outcome === 'done')
      expect([...seen, state?.status, state?.conclusion]).toEqual([
        ...seen,
        'completed',
        'cancelled'
      ])
    else if (entry.outcome === 'skipped' && entry.reason === 'already completed')
      expect([...seen, state?.status]).toEqual([...seen, 'completed'])
    else if (entry.outcome === 'skipped' && entry.reason.startsWith('rate limit exhausted until'))
      expect([...seen, state?.status]).toEqual([...seen, 'in_progress'])
    else if (entry.outcome === 'failed')
      expect([...seen, state?.status]).toEqual([...seen, 'in_progress'])
    else
      throw new Error(
        `unexpected result for run ${String(entry.id)}: ${entry.outcome}, ${entry.reason}`
      )
  }
  for (const state of runs.values())
    expect([state.id, state.cancel_requests <= 1]).toEqual([state.id, true])
  const survivor = runs.get(FIRST_ID + STALE)
  expect([survivor?.status, survivor?.cancel_requests]).toEqual(['in_progress', 0])
}

describe('cancel-stale under faults', () => {
  it('should survive 5xx bursts, dropped connections and lost answers on reads and writes', async () => {
    const s = await busyRepository()
    const list = 'actions/list-workflow-runs-for-repo'
    s.faults.add({ operationId: list, kind: 'status', status: 502, times: 2 })
    s.faults.add({ operationId: list, kind: 'drop', times: 1 })
    // Bursts on different runs' cancels: each within the three retries the client allows.
    const cancelOf = (id: number): string => `/repos/acme/web/actions/runs/${id}/cancel`
    s.faults.add({ path: cancelOf(at(1 / 30)), kind: 'status', status: 500, times: 3 })
    s.faults.add({ path: cancelOf(at(1 / 3)), kind: 'status', status: 503, times: 2 })
    s.faults.add({ path: cancelOf(at(1 / 2)), kind: 'drop', times: 2 })
    s.faults.add({ path: cancelOf(at(2 / 3)), kind: 'status', status: 502, times: 1 })
    // The cancels of these two runs take effect, but their answers are lost.
    const [lost502, lostDrop] = [at(5 / 6), at(13 / 15)]
    s.faults.add({
      path: cancelOf(lost502),
      kind: 'status',
      status: 502,
      times: 1,
      after: 'after-handler'
    })
    s.faults.add({ path: cancelOf(lostDrop), kind: 'drop', times: 1, after: 'after-handler' })
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'cancel-stale', limit: '1000' }
    })
    expect(result.exitCode).toBe(0)
    expect(result.result).toHaveLength(STALE)
    expect(result.result.filter(r => r.outcome === 'failed')).toEqual([])
    expect(result.result.filter(r => r.outcome !== 'done')).toEqual([])
    expect(result.outputs.count).toBe(String(STALE))
    // A lost answer: the first attempt cancelled the run, a read of it showed so, and no second
    // cancel was sent.
    const lost: Array<[number, number]> = [
      [lost502, 502],
      [lostDrop, 0]
    ]
    for (const [id, status] of lost) {
      expect([id, s.requests.filter(r => r.path === cancelOf(id)).map(r => r.status)]).toEqual([
        id,
        [status]
      ])
      const read = s.requests.filter(r => r.path === `/repos/acme/web/actions/runs/${id}`)
      expect([id, read.map(r => r.status)]).toEqual([id, [200]])
    }
    expect(s.state.repositories[0]?.runs.filter(r => r.status !== 'completed')).toHaveLength(1)
    expectStateToAgree(s, result.result)
  })

  it('should send a cancel again when the run shows nothing of the first, whose answer was lost', async () => {
    // Run 1 ignores a cancel (an always() job keeps it going): a lost answer cannot be told from
    // a cancel that never arrived. Run 2 was cancelled by its first cancel.
    const s = await simulate(
      scenario(
        repository('acme/web', [
          run({ id: 1, created_at: minutesAgo(30), on_cancel: 'ignore' }),
          run({ id: 2, created_at: minutesAgo(20) }),
          run({ id: 3, created_at: minutesAgo(10) })
        ])
      )
    )
    for (const id of [1, 2])
      s.faults.add({
        path: `/repos/acme/web/actions/runs/${id}/cancel`,
        kind: 'status',
        status: 502,
        times: 1,
        after: 'after-handler'
      })
    const result = await runAction({ apiUrl: s.url, with: { operation: 'cancel-stale' } })
    expect(result.exitCode).toBe(0)
    expect(result.result.map(r => [r.id, r.outcome])).toEqual([
      [1, 'done'],
      [2, 'done']
    ])
    const cancels = (id: number): number[] =>
      s.requests
        .filter(r => r.path === `/repos/acme/web/actions/runs/${id}/cancel`)
        .map(r => r.status)
    expect([cancels(1), cancels(2)]).toEqual([[502, 202], [502]])
    const runs = s.state.repositories[0]?.runs ?? []
    expect(runs.map(r => [r.id, r.status, r.cancel_requests])).toEqual([
      [1, 'in_progress', 2],
      [2, 'completed', 1],
      [3, 'in_progress', 0]
    ])
  })

  it('should wait out secondary rate limits and resume', async () => {
    const s = await busyRepository()
    s.faults.add({
      operationId: 'actions/cancel-workflow-run',
      kind: 'secondary-rate-limit',
      status: 403,
      retryAfterSeconds: 2,
      times: 2
    })
    s.faults.add({
      operationId: 'actions/cancel-workflow-run',
      kind: 'secondary-rate-limit',
      status: 429,
      retryAfterSeconds: 1,
      times: 1
    })
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'cancel-stale', limit: '1000' }
    })
    expect(result.exitCode).toBe(0)
    expect(result.result.every(r => r.outcome === 'done')).toBe(true)
    expect(result.stdout).toContain('Secondary rate limit')
    expectStateToAgree(s, result.result)
  })

  it('should report the remaining runs skipped with the reset time when the primary rate limit runs out', async () => {
    const s = await busyRepository()
    const bucket = s.state.rateLimits.ghs_write
    if (!bucket) throw new Error('the scenario has no rate-limit bucket for ghs_write')
    // The listing, then a third of the stale runs' cancels.
    const cancels = STALE / 3
    bucket.remaining = LISTING + cancels
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'cancel-stale', limit: '1000' }
    })
    expect(result.exitCode).toBe(0)
    const reset = new Date(bucket.reset * 1000).toISOString()
    expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(cancels)
    const skipped = result.result.filter(r => r.outcome === 'skipped')
    expect(skipped).toHaveLength(STALE - cancels)
    expect(new Set(skipped.map(r => r.reason))).toEqual(
      new Set([`rate limit exhausted until ${reset}`])
    )
    // The last cancel's answer showed x-ratelimit-remaining: 0; nothing was sent after it.
    expect(s.requestCount({ operationId: 'actions/cancel-workflow-run' })).toBe(cancels)
    expect(s.requests).toHaveLength(LISTING + cancels)
    expectStateToAgree(s, result.result)
  })

  it('should give up on hung requests after the timeout and retry them', async () => {
    const s = await busyRepository()
    s.faults.add({ operationId: 'actions/list-workflow-runs-for-repo', kind: 'hang', times: 1 })
    s.faults.add({ operationId: 'actions/cancel-workflow-run', kind: 'hang', times: 1 })
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'cancel-stale', limit: '1000' }
    })
    expect(result.exitCode).toBe(0)
    // Both hangs happened, and each hung request was sent again.
    const hung = s.requests.filter(r => r.fault === 'hang')
    expect(hung.map(r => [r.operationId, r.status])).toEqual([
      ['actions/list-workflow-runs-for-repo', 0],
      ['actions/cancel-workflow-run', 0]
    ])
    const hungCancel = hung[1]
    expect(
      s.requests.filter(r => r.path === hungCancel?.path).map(r => [r.fault, r.status])
    ).toEqual([
      ['hang', 0],
      [undefined, 202]
    ])
    expect(result.result.every(r => r.outcome === 'done')).toBe(true)
    expectStateToAgree(s, result.result)
  })

  it('should skip runs that others complete between the listing and the cancel', async () => {
    const s = await busyRepository()
    const finishedElsewhere = [at(2 / 15), at(1 / 2), FIRST_ID + STALE - 1]
    // The first cancel is the moment the listing is over: someone else's runs finish right then.
    let listed = false
    onArrival(s, request => {
      if (listed || request.method !== 'POST') return
      listed = true
      const runs = s.state.repositories[0]?.runs ?? []
      for (const id of finishedElsewhere) {
        const run = runs.find(r => r.id === id)
        if (run) completeRun(run, 'success', new Date())
      }
    })
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'cancel-stale', limit: '1000' }
    })
    expect(result.exitCode).toBe(0)
    expect(
      result.result.filter(r => r.outcome !== 'done').map(r => [r.id, r.outcome, r.reason])
    ).toEqual(finishedElsewhere.map(id => [id, 'skipped', 'already completed']))
    const runs = new Map(s.state.repositories[0]?.runs.map(r => [r.id, r]))
    expect(
      finishedElsewhere.map(id => [id, runs.get(id)?.conclusion, runs.get(id)?.cancel_requests])
    ).toEqual(finishedElsewhere.map(id => [id, 'success', 0]))
    // One refused cancel each: a 409 is final, not retried.
    expect(s.requests.filter(r => r.status === 409)).toHaveLength(finishedElsewhere.length)
    expectStateToAgree(s, result.result)
  })
})
