/**
 * review-deployments under faults: runs waiting for a review (WAITING of them), with 5xx bursts,
 * dropped connections, lost answers, hung requests, secondary and primary rate limits, and runs
 * that change between the action's read and its review. After every run, the simulator's state
 * and the action's `result` must agree run by run, and every fault injected must have happened.
 */
import { describe, expect, it } from '@jest/globals'
import { BUSY_FIRST_ID, busyDeployments, busyWaits } from '../../__fixtures__/review-deployments.js'
import { simulatorPerFaultTest } from '../../__fixtures__/spent-faults.js'
import { type RunState, type Simulator } from '../../simulator/index.js'
import { completeRun } from '../../simulator/routes/runs.js'
import { atFraction } from '../lib/faults.js'
import { E2E_HEAVY, runAction, type ActionRun } from '../lib/run-action.js'
import { stillPending as pendingOf, reviewCalls as reviewsSent, runOf } from '../lib/world.js'

/**
 * Waiting runs: 300 with `ACTIONS_OPS_E2E=heavy`, else enough for each fault to hit a run of its
 * own (a multiple of ten: see `busyWaits`).
 */
const WAITING = E2E_HEAVY ? 300 : 30
/** Every tenth run also waits on audit, which rita may not approve. */
const BLOCKED = WAITING / 10
/** Pages of the listing of every run (the waiting ones and two others): 100 runs per page. */
const PAGES = Math.ceil((WAITING + 2) / 100)
/** Run `i` of the world: 0 is the oldest, and the newest is reviewed first. */
const idOf = (i: number): number => BUSY_FIRST_ID + i
/** The run `fraction` of the way from the oldest (0) to the newest (1). */
const at = atFraction(WAITING)
/** The first run from `at(fraction)` on that waits on exactly `environments` (see `busyWaits`). */
function waitingOn(fraction: number, environments: string[]): number {
  for (let i = at(fraction); i < WAITING; i++)
    if (busyWaits(i).join() === environments.join()) return i
  throw new Error(`no run from ${at(fraction)} on waits on ${environments.join(', ')}`)
}
const simulate = simulatorPerFaultTest()

async function busyRepository(): Promise<Simulator> {
  return simulate(busyDeployments(WAITING))
}

/** Reviews every waiting run of the scenario as rita, a required reviewer of staging and production. */
const review = async (s: Simulator): Promise<ActionRun> =>
  runAction({
    apiUrl: s.url,
    token: 'ghp_rita',
    with: { operation: 'review-deployments', limit: '1000' }
  })

const pendingPath = (id: number): string => `/repos/acme/web/actions/runs/${id}/pending_deployments`

/**
 * Each run has exactly one result, and its outcome matches its state in the simulator: a run is
 * `done` exactly when rita's review is in its history, once (no review applied twice), and the
 * reviewed environments no longer wait; a run whose reason says audit may not be approved still
 * waits on audit; a run skipped for the rate limit or failed is untouched.
 */
function expectStateToAgree(s: Simulator, result: ActionRun['result']): void {
  const byRun = new Map<number, ActionRun['result']>()
  for (const entry of result) {
    if (entry.kind !== 'run') continue
    byRun.set(Number(entry.id), [...(byRun.get(Number(entry.id)) ?? []), entry])
  }
  for (let i = 0; i < WAITING; i++) {
    const id = BUSY_FIRST_ID + i
    const entries = byRun.get(id) ?? []
    const ours = (runOf(s, id).approvals ?? []).filter(r => r.user === 'rita')
    const done = entries.filter(entry => entry.outcome === 'done')
    expect([id, entries.length]).toEqual([id, 1])
    expect([id, ours.length]).toEqual([id, done.length])
    if (ours[0] && done[0]) {
      const reviewed = ours[0].environments
      expect([id, done[0].reason.startsWith(`approved ${reviewed.join(', ')}`)]).toEqual([id, true])
      expect([id, pendingOf(s, id).filter(env => reviewed.includes(env))]).toEqual([id, []])
    }
    for (const entry of entries) {
      if (entry.reason.includes('may not approve'))
        expect([id, pendingOf(s, id)]).toEqual([id, ['audit']])
      if (entry.outcome === 'failed' || entry.reason.startsWith('rate limit exhausted'))
        expect([id, runOf(s, id).status, pendingOf(s, id), ours.length]).toEqual([
          id,
          'waiting',
          busyWaits(i),
          0
        ])
    }
  }
}

/** The results of the runs, as `id outcome`, counted per outcome. */
const tally = (result: ActionRun['result']): Record<string, number> =>
  result.reduce<Record<string, number>>((counts, r) => {
    counts[r.outcome] = (counts[r.outcome] ?? 0) + 1
    return counts
  }, {})

/**
 * Runs the action and, while it runs, applies each change as soon as its request arrives; a
 * latency fault holds that request back, so the change lands after the action's read and before
 * the request is handled.
 */
async function reviewWhile(
  s: Simulator,
  changes: Array<{ method: string; path: string; change: (run: RunState) => void; id: number }>
): Promise<ActionRun> {
  for (const { method, path } of changes)
    s.faults.add({ method, path, kind: 'latency', delayMs: 250, times: 1 })
  let finished = false
  const running = review(s).finally(() => {
    finished = true
  })
  const left = [...changes]
  while (!finished && left.length > 0) {
    for (const change of [...left]) {
      if (s.requests.some(r => r.method === change.method && r.path === change.path)) {
        change.change(runOf(s, change.id))
        left.splice(left.indexOf(change), 1)
      }
    }
    await new Promise(resolve => setTimeout(resolve, 10))
  }
  const result = await running
  expect(left.map(change => `${change.method} ${change.path}`)).toEqual([])
  return result
}

/** bob reviews `environments` of the run by hand, as GitHub would apply it. */
const bobReviews =
  (state: 'approved' | 'rejected', environments: string[]) =>
  (run: RunState): void => {
    run.approvals = [
      ...(run.approvals ?? []),
      { environments, state, user: 'bob', comment: 'By hand' }
    ]
    if (state === 'rejected') {
      run.pending_deployments = []
      completeRun(run, 'failure', new Date())
      return
    }
    run.pending_deployments = (run.pending_deployments ?? []).filter(
      pending => !environments.includes(pending.environment)
    )
    if (run.pending_deployments.length === 0) run.status = 'in_progress'
  }
const dropRitaFromStaging = (s: Simulator): void => {
  const staging = s.state.repositories[0]?.environments?.find(env => env.name === 'staging')
  if (!staging) throw new Error('the scenario has no staging environment')
  staging.reviewers = ['bob']
}
const cancelled = (run: RunState): void => {
  run.pending_deployments = []
  completeRun(run, 'cancelled', new Date())
}

describe('review-deployments under faults', () => {
  it('should survive 5xx bursts, dropped connections, lost answers, hangs and secondary rate limits, reviewing each run once', async () => {
    const s = await busyRepository()
    const list = 'actions/list-workflow-runs-for-repo'
    s.faults.add({ operationId: list, kind: 'status', status: 502, times: 2 })
    s.faults.add({ operationId: list, kind: 'drop', times: 1 })
    // Reads of single runs: each burst within the three retries the client allows.
    const run = (fraction: number): number => idOf(at(fraction))
    s.faults.add({
      path: pendingPath(run(9 / 10)),
      method: 'GET',
      kind: 'status',
      status: 500,
      times: 3
    })
    s.faults.add({ path: pendingPath(run(5 / 6)), method: 'GET', kind: 'drop', times: 2 })
    s.faults.add({ path: pendingPath(run(2 / 3)), method: 'GET', kind: 'hang', times: 1 })
    s.faults.add({
      operationId: 'actions/get-reviews-for-run',
      kind: 'status',
      status: 503,
      times: 2
    })
    // Reviews: bursts before GitHub handled them (no effect)...
    s.faults.add({
      path: pendingPath(run(14 / 15)),
      method: 'POST',
      kind: 'status',
      status: 503,
      times: 3
    })
    s.faults.add({ path: pendingPath(run(3 / 5)), method: 'POST', kind: 'drop', times: 1 })
    s.faults.add({ path: pendingPath(run(1 / 2)), method: 'POST', kind: 'hang', times: 1 })
    // ...and reviews that took effect but whose answer was lost, of runs waiting on staging, on
    // staging and production, and on staging and audit: the retry is refused (422).
    const lost: Array<[number, 'status' | 'drop']> = [
      [idOf(waitingOn(2 / 5, ['staging'])), 'status'],
      [idOf(waitingOn(3 / 10, ['staging', 'production'])), 'drop'],
      [idOf(waitingOn(1 / 6, ['staging', 'audit'])), 'status']
    ]
    for (const [id, kind] of lost)
      s.faults.add({
        path: pendingPath(id),
        method: 'POST',
        kind,
        status: 502,
        times: 1,
        after: 'after-handler'
      })
    // Secondary rate limits on reads and reviews: waited out.
    const secondary = (operationId: string, status: 403 | 429, times: number): void =>
      s.faults.add({
        operationId,
        kind: 'secondary-rate-limit',
        status,
        retryAfterSeconds: 2,
        times
      })
    secondary('actions/get-pending-deployments-for-run', 429, 1)
    secondary('actions/review-pending-deployments-for-run', 403, 2)
    secondary('actions/review-pending-deployments-for-run', 429, 1)
    const result = await review(s)
    expect(result.exitCode).toBe(0)
    // One entry per run: those that also wait on audit are done, their reason saying both.
    expect(tally(result.result)).toEqual({ done: WAITING })
    expect(
      result.result.filter(r => r.reason.includes('audit: the token may not approve'))
    ).toHaveLength(BLOCKED)
    expect(result.stdout).toContain('Secondary rate limit')
    // The lost answers were found in the review history: done, and not sent again.
    for (const [id] of lost) {
      expect(result.result.find(r => r.id === id)?.outcome).toBe('done')
      expect(
        s.requests.filter(r => r.method === 'POST' && r.path === pendingPath(id))
      ).toHaveLength(1)
    }
    // One review per run and the attempts the faults took; none after a lost answer.
    expect(reviewsSent(s)).toBe(WAITING + 3 + 1 + 1 + 3)
    expect(s.requests.filter(r => r.status === 422)).toEqual([])
    expect(s.requests.filter(r => r.fault === 'hang')).toHaveLength(2)
    expectStateToAgree(s, result.result)
  })

  it('should report the remaining runs skipped with the reset time when the primary rate limit runs out, sending nothing more', async () => {
    const s = await busyRepository()
    const bucket = s.state.rateLimits.ghp_rita
    if (!bucket) throw new Error('the scenario has no rate-limit bucket for ghp_rita')
    // The pages listing every run, then, newest first, per run a read and a review, and a read
    // of the review history for a run that also waits on audit. The runs down to one that waits
    // on audit too are reviewed, and the next run's read spends the last request.
    const last = waitingOn(3 / 5, ['staging', 'audit'])
    const reviewed = Array.from({ length: WAITING - last }, (_, k) => WAITING - 1 - k)
    const cost = (i: number): number => (busyWaits(i).includes('audit') ? 3 : 2)
    const allowed = PAGES + reviewed.reduce((sum, i) => sum + cost(i), 0) + 1
    bucket.remaining = allowed
    const result = await review(s)
    const reset = new Date(bucket.reset * 1000).toISOString()
    expect(result.exitCode).toBe(0)
    expect(tally(result.result)).toEqual({
      done: reviewed.length,
      skipped: WAITING - reviewed.length
    })
    const limited = result.result.filter(r => r.reason.startsWith('rate limit'))
    expect(limited.map(r => r.id)).toEqual(
      Array.from({ length: last }, (_, k) => idOf(last - 1 - k))
    )
    expect(new Set(limited.map(r => r.reason))).toEqual(
      new Set([`rate limit exhausted until ${reset}`])
    )
    // That read's answer (x-ratelimit-remaining: 0) tells the action; nothing is sent after it.
    expect(s.requests.filter(r => r.status === 403)).toEqual([])
    expect(s.requests).toHaveLength(allowed)
    expectStateToAgree(s, result.result)
  })

  it('should tell a review made meanwhile from its own, skip runs that moved on, and fail a review the token may no longer make', async () => {
    const s = await busyRepository()
    const [
      approvedStaging,
      rejected,
      cancelledBeforeReview,
      approvedProduction,
      cancelledBeforeRead
    ] = [
      idOf(waitingOn(14 / 15, ['staging'])),
      idOf(waitingOn(7 / 10, ['staging', 'production'])),
      idOf(waitingOn(17 / 30, ['staging'])),
      idOf(waitingOn(1 / 3, ['staging', 'production'])),
      idOf(waitingOn(1 / 5, ['staging']))
    ]
    // The oldest run, reviewed last; it waits on staging only.
    const last = idOf(0)
    const result = await reviewWhile(s, [
      // Between the read and the review: bob approves, bob rejects, someone cancels, bob
      // approves production only (the run still waits on staging, left for the next invocation).
      {
        id: approvedStaging,
        method: 'POST',
        path: pendingPath(approvedStaging),
        change: bobReviews('approved', ['staging'])
      },
      {
        id: rejected,
        method: 'POST',
        path: pendingPath(rejected),
        change: bobReviews('rejected', ['staging', 'production'])
      },
      {
        id: cancelledBeforeReview,
        method: 'POST',
        path: pendingPath(cancelledBeforeReview),
        change: cancelled
      },
      {
        id: approvedProduction,
        method: 'POST',
        path: pendingPath(approvedProduction),
        change: bobReviews('approved', ['production'])
      },
      // Between the listing and the read: cancelled.
      {
        id: cancelledBeforeRead,
        method: 'GET',
        path: pendingPath(cancelledBeforeRead),
        change: cancelled
      },
      // Before the last review, rita is removed from staging's reviewers.
      { id: last, method: 'POST', path: pendingPath(last), change: () => dropRitaFromStaging(s) }
    ])
    // The refused review fails the step; the others went through.
    expect(result.exitCode).toBe(1)
    const outcome = (id: number): string[] =>
      result.result.filter(r => r.id === id).map(r => `${r.outcome}: ${r.reason}`)
    expect(outcome(approvedStaging)).toEqual(['skipped: reviewed meanwhile: bob approved staging'])
    expect(outcome(rejected)).toEqual([
      'skipped: reviewed meanwhile: bob rejected staging, production'
    ])
    expect(outcome(cancelledBeforeReview)).toEqual([
      'skipped: no longer waiting on staging: the run was cancelled or completed meanwhile'
    ])
    expect(outcome(approvedProduction)).toEqual([
      'skipped: reviewed meanwhile: bob approved production'
    ])
    expect(outcome(cancelledBeforeRead)).toEqual([
      'skipped: no pending deployments: reviewed, cancelled or completed since it was listed'
    ])
    expect(outcome(last)).toEqual([
      "failed: 422 rita is not a required reviewer of environment staging: the token is not a required reviewer of staging (or may not review its own run); pass a required reviewer's token in `github-token`"
    ])
    expect(pendingOf(s, approvedProduction)).toEqual(['staging'])
    expect(tally(result.result)).toEqual({ done: WAITING - 6, skipped: 5, failed: 1 })
    expectStateToAgree(s, result.result)
  })
})
