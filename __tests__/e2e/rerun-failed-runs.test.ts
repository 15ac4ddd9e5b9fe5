/**
 * rerun-failed choosing the failed runs to re-run: the run a `workflow_run` event names,
 * max-attempts, lookback and conclusions, runs a newer run supersedes (and the listings that tell),
 * and runs GitHub would refuse to re-run.
 */
import { describe, expect, it } from '@jest/globals'
import {
  daysAgo,
  failedRun,
  job,
  latestJobs,
  rerunCount,
  workflowRunEvent
} from '../../__fixtures__/rerun-failed.js'
import { minutesAgo, repository, run, scenario } from '../../__fixtures__/scenario.js'
import { type Scenario, type ScenarioRun, type Simulator } from '../../simulator/index.js'
import { outcomes } from '../lib/results.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest, tokenKeptFromLogHost } from '../lib/simulator-per-test.js'
import { listings, posts, runOf } from '../lib/world.js'

// The API token must never reach the log storage host.
const simulate = simulatorPerTest(tokenKeptFromLogHost)

const createdAtOf = (s: Simulator, id: number): string => runOf(s, id).created_at
// `count` successful runs of their own branches, created from `oldest` to `newest` minutes ago.
const busy = (from: number, count: number, oldest: number, newest: number): ScenarioRun[] =>
  Array.from({ length: count }, (_, i) =>
    run({
      id: from + i,
      head_branch: `busy/${from + i}`,
      status: 'completed',
      conclusion: 'success',
      created_at: minutesAgo(oldest - (i * (oldest - newest)) / count)
    })
  )

describe('rerun-failed', () => {
  describe('when triggered by workflow_run for a failed run', () => {
    it('should re-run exactly its failed jobs once, and skip it on a second invocation', async () => {
      const triggering = failedRun({
        id: 1,
        jobs: [
          job(11, 'build', 'success'),
          job(12, 'test', 'failure'),
          job(13, 'e2e', 'timed_out'),
          job(14, 'deploy', 'skipped')
        ]
      })
      const s = await simulate(
        scenario(repository('acme/web', [triggering, failedRun({ id: 2, head_branch: 'dev' })]))
      )
      const event = workflowRunEvent(triggering)
      const first = await runAction({
        bundle: true,
        apiUrl: s.url,
        event,
        with: { operation: 'rerun-failed' }
      })
      expect(first.exitCode).toBe(0)
      expect(first.result).toEqual([
        {
          repository: 'acme/web',
          kind: 'run',
          id: 1,
          action: 'rerun-failed-jobs',
          outcome: 'done',
          reason: 'conclusion failure, attempt 1',
          url: 'https://github.com/acme/web/actions/runs/1'
        }
      ])
      expect(first.outputs).toMatchObject({ count: '1', 'run-ids': '1' })
      const state = runOf(s, 1)
      expect([state.status, state.run_attempt]).toEqual(['queued', 2])
      expect(latestJobs(state)).toEqual([
        'build:completed/success',
        'test:queued/',
        'e2e:queued/',
        'deploy:completed/skipped'
      ])
      expect(runOf(s, 2).run_attempt).toBe(1)
      expect(rerunCount(s)).toBe(1)

      // The same event delivered again (or a second workflow listening to it): attempt 2 is running.
      const second = await runAction({ apiUrl: s.url, event, with: { operation: 'rerun-failed' } })
      expect(second.exitCode).toBe(0)
      expect(outcomes(second)).toEqual([
        [1, 'skipped', 'already being retried (attempt 2 is queued)']
      ])
      expect(posts(s)).toBe(1)
      expect(second.summary).toContain('already being retried')
    })

    it('should not re-run a run that finished a newer attempt than the event reports', async () => {
      const triggering = failedRun({ id: 1 })
      const s = await simulate(
        scenario(repository('acme/web', [{ ...triggering, run_attempt: 2 }]))
      )
      const result = await runAction({
        apiUrl: s.url,
        event: workflowRunEvent(triggering),
        with: { operation: 'rerun-failed' }
      })
      expect(outcomes(result)).toEqual([
        [1, 'skipped', 'already retried (attempt 2 exists; the event was for attempt 1)']
      ])
      expect(posts(s)).toBe(0)
    })
  })
  describe('when max-attempts is 2', () => {
    it('should re-run attempt 1 and skip attempt 2', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({ id: 1, head_branch: 'a' }),
            failedRun({ id: 2, head_branch: 'b', run_attempt: 2 })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'max-attempts': '2' }
      })
      expect(outcomes(result).sort()).toEqual([
        [1, 'done', 'conclusion failure, attempt 1'],
        [2, 'skipped', 'max attempts reached']
      ])
      expect([runOf(s, 1).run_attempt, runOf(s, 2).run_attempt]).toEqual([2, 2])
      expect(runOf(s, 2).status).toBe('completed')
    })
  })

  describe('when lookback and conclusions narrow the scan', () => {
    const world = (...more: ScenarioRun[]): Scenario =>
      scenario(
        repository('acme/web', [
          failedRun({ id: 1, head_branch: 'a', created_at: minutesAgo(20) }),
          failedRun({
            id: 2,
            head_branch: 'b',
            conclusion: 'timed_out',
            created_at: minutesAgo(20)
          }),
          failedRun({
            id: 3,
            head_branch: 'c',
            conclusion: 'cancelled',
            created_at: minutesAgo(20)
          }),
          failedRun({
            id: 4,
            head_branch: 'd',
            conclusion: 'timed_out',
            created_at: minutesAgo(90)
          }),
          ...more
        ])
      )
    const since = (query: Record<string, string>): number =>
      Date.parse((query.created ?? '').replace(/^>=/, ''))

    it('should list the runs created within lookback once, and re-run only those conclusions', async () => {
      const s = await simulate(world())
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', lookback: '1h', conclusions: 'timed_out, cancelled' }
      })
      expect(result.result.map(r => [r.id, r.outcome]).sort()).toEqual([
        [2, 'done'],
        [3, 'done']
      ])
      expect([1, 2, 3, 4].map(id => runOf(s, id).run_attempt)).toEqual([1, 2, 2, 1])
      // Every run since lookback fits on one page: its statuses are picked on the client, and
      // the same page shows that nothing newer supersedes the candidates.
      const queries = listings(s, 'actions/list-workflow-runs-for-repo')
      expect(queries).toEqual([{ created: expect.any(String), per_page: '100' }])
      expect(Math.abs(Date.now() - 3600_000 - since(queries[0] ?? {}))).toBeLessThan(60_000)
      expect(s.requests.filter(r => r.method === 'GET')).toHaveLength(1)
    })

    it('should ask the server for each conclusion when the runs within lookback take more pages', async () => {
      const s = await simulate(world(...busy(100, 101, 50, 30)))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', lookback: '1h', conclusions: 'timed_out, cancelled' }
      })
      expect(result.result.map(r => [r.id, r.outcome]).sort()).toEqual([
        [2, 'done'],
        [3, 'done']
      ])
      // The listing without a status is the one that looks for newer runs of the candidates.
      const queries = listings(s, 'actions/list-workflow-runs-for-repo').filter(
        q => q.status !== undefined
      )
      expect(queries.map(q => q.status).sort()).toEqual(['cancelled', 'timed_out'])
      for (const query of queries) {
        expect(Math.abs(Date.now() - 3600_000 - since(query))).toBeLessThan(60_000)
      }
    })
  })

  describe('when a newer run of the same workflow and branch exists', () => {
    const world = (...more: ScenarioRun[]): Scenario =>
      scenario(
        repository('acme/web', [
          ...more,
          failedRun({ id: 1, created_at: minutesAgo(50) }),
          failedRun({ id: 2, created_at: minutesAgo(40) }),
          run({ id: 3, status: 'completed', conclusion: 'success', created_at: minutesAgo(30) }),
          failedRun({ id: 4, head_branch: 'feature/x', created_at: minutesAgo(30) }),
          failedRun({
            id: 5,
            head_branch: 'feature/x',
            head_repository: 'mallory/web',
            created_at: minutesAgo(20),
            event: 'pull_request'
          }),
          failedRun({
            id: 6,
            head_branch: 'feature/y',
            workflow_id: 12,
            created_at: minutesAgo(45)
          }),
          run({ id: 7, head_branch: 'feature/y', workflow_id: 11, created_at: minutesAgo(10) })
        ])
      )

    it('should decide every candidate from the one page that lists all runs since lookback', async () => {
      const s = await simulate(world())
      const result = await runAction({ apiUrl: s.url, with: { operation: 'rerun-failed' } })
      expect(outcomes(result).sort()).toEqual([
        [1, 'skipped', 'superseded by run 2'],
        [2, 'skipped', 'superseded by run 3'],
        [4, 'done', 'conclusion failure, attempt 1'],
        [5, 'done', 'conclusion failure, attempt 1'],
        [6, 'done', 'conclusion failure, attempt 1']
      ])
      expect(listings(s, 'actions/list-workflow-runs-for-repo')).toEqual([
        { created: expect.any(String), per_page: '100' }
      ])
      expect(listings(s, 'actions/list-workflow-runs')).toEqual([])
      expect(rerunCount(s)).toBe(3)
    })

    it('should skip the superseded runs, decided by the first page when it reaches past the oldest candidate', async () => {
      // 101 older runs within lookback: the failed runs are listed by conclusion.
      const s = await simulate(world(...busy(100, 101, 600, 300)))
      const result = await runAction({ apiUrl: s.url, with: { operation: 'rerun-failed' } })
      expect(outcomes(result).sort()).toEqual([
        [1, 'skipped', 'superseded by run 2'],
        [2, 'skipped', 'superseded by run 3'],
        [4, 'done', 'conclusion failure, attempt 1'],
        [5, 'done', 'conclusion failure, attempt 1'],
        [6, 'done', 'conclusion failure, attempt 1']
      ])
      // Candidates 2, 4, 5 and 6 (the newest failed run of each group): the first page of every
      // run since lookback reaches below run 6, so it shows every newer run; one listing per group
      // would cost four more.
      expect(listings(s, 'actions/list-workflow-runs-for-repo')).toEqual([
        { created: expect.any(String), per_page: '100' },
        expect.objectContaining({ status: 'failure' })
      ])
      expect(listings(s, 'actions/list-workflow-runs')).toEqual([])
      expect(rerunCount(s)).toBe(3)
    })

    it('should list the runs since the oldest candidate below that first page when it does not reach it', async () => {
      // 150 runs newer than every candidate: the first page holds 100 of them and decides nothing.
      const s = await simulate(world(...busy(100, 150, 9, 1)))
      const result = await runAction({ apiUrl: s.url, with: { operation: 'rerun-failed' } })
      expect(outcomes(result).sort()).toEqual([
        [1, 'skipped', 'superseded by run 2'],
        [2, 'skipped', 'superseded by run 3'],
        [4, 'done', 'conclusion failure, attempt 1'],
        [5, 'done', 'conclusion failure, attempt 1'],
        [6, 'done', 'conclusion failure, attempt 1']
      ])
      // One listing from run 6 up to where the first page ended decides the three branches.
      const queries = listings(s, 'actions/list-workflow-runs-for-repo')
      expect(queries).toEqual([
        { created: expect.any(String), per_page: '100' },
        expect.objectContaining({ status: 'failure' }),
        expect.objectContaining({ created: expect.stringMatching(/\.\./) })
      ])
      expect(queries[2]?.created?.split('..')[0]).toBe(createdAtOf(s, 6))
      expect(listings(s, 'actions/list-workflow-runs')).toEqual([])
    })

    it('should ask per branch when the runs since the oldest candidate take more pages than that', async () => {
      // Two candidates under 401 newer runs: the first page of every run since lookback shows run
      // 999, newer than run 2 on its branch; run 1 is left alone, and one listing of its branch
      // costs less than the four pages left.
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({ id: 1, head_branch: 'a', created_at: minutesAgo(50) }),
            failedRun({ id: 2, head_branch: 'b', created_at: minutesAgo(49) }),
            ...busy(100, 400, 40, 20),
            run({ id: 999, head_branch: 'b', created_at: minutesAgo(1) })
          ])
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'rerun-failed' } })
      expect(outcomes(result).sort()).toEqual([
        [1, 'done', 'conclusion failure, attempt 1'],
        [2, 'skipped', 'superseded by run 999']
      ])
      // The first page of every run since lookback and the failed runs; no scan for one branch.
      expect(listings(s, 'actions/list-workflow-runs-for-repo')).toHaveLength(2)
      expect(listings(s, 'actions/list-workflow-runs').map(q => q.branch)).toEqual(['a'])
    })

    it('should narrow the listing to the oldest candidate still undecided', async () => {
      // 100 runs newer than all fill the first page of every run since lookback. Below it, run 1
      // (60 min old) is superseded by run 999, on the scan's first page; run 2 (30 min) lies under
      // 150 newer runs, and 300 more separate it from run 1.
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({ id: 1, head_branch: 'a', created_at: minutesAgo(60) }),
            ...busy(1000, 300, 59, 31),
            failedRun({ id: 2, head_branch: 'b', created_at: minutesAgo(30) }),
            ...busy(2000, 150, 29, 2),
            run({ id: 999, head_branch: 'a', created_at: minutesAgo(1) }),
            ...busy(3000, 100, 0.9, 0.1)
          ])
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'rerun-failed' } })
      expect(outcomes(result).sort()).toEqual([
        [1, 'skipped', 'superseded by run 999'],
        [2, 'done', 'conclusion failure, attempt 1']
      ])
      // The first page of every run since lookback, the failed runs, a first page from run 1 up
      // to where that first page ended, then the rest down to run 2 only.
      const queries = listings(s, 'actions/list-workflow-runs-for-repo')
      expect(queries.map(q => [q.status, q.created?.split('..')[0], q.page])).toEqual([
        [undefined, expect.any(String), undefined],
        ['failure', expect.any(String), undefined],
        [undefined, createdAtOf(s, 1), undefined],
        [undefined, createdAtOf(s, 2), undefined]
      ])
      expect(listings(s, 'actions/list-workflow-runs')).toEqual([])
    })

    it("should share one listing per branch between our run and a fork's run of that name", async () => {
      // Both candidates are on branch main of workflow 11: one listing of that branch shows the
      // runs of every head repository, and decides both.
      const s = await simulate(
        scenario(
          repository('acme/web', [
            ...busy(100, 101, 600, 300),
            // Newer than both candidates: the first page of every run since lookback holds them.
            ...busy(300, 100, 9, 1),
            failedRun({ id: 1, created_at: minutesAgo(50) }),
            failedRun({
              id: 2,
              head_repository: 'mallory/web',
              event: 'pull_request',
              created_at: minutesAgo(40)
            }),
            run({ id: 3, status: 'completed', conclusion: 'success', created_at: minutesAgo(30) })
          ])
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'rerun-failed' } })
      expect(outcomes(result).sort()).toEqual([
        [1, 'skipped', 'superseded by run 3'],
        [2, 'done', 'conclusion failure, attempt 1']
      ])
      expect(listings(s, 'actions/list-workflow-runs')).toEqual([
        expect.objectContaining({ branch: 'main', created: `>=${createdAtOf(s, 1)}` })
      ])
      expect(listings(s, 'actions/list-workflow-runs-for-repo')).toEqual([
        { created: expect.any(String), per_page: '100' },
        expect.objectContaining({ status: 'failure' })
      ])
    })

    it('should re-run them all with skip-superseded false, without the extra listings', async () => {
      const s = await simulate(world())
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'skip-superseded': 'false' }
      })
      expect(result.result.map(r => r.id).sort()).toEqual([1, 2, 4, 5, 6])
      expect(result.result.every(r => r.outcome === 'done')).toBe(true)
      expect(listings(s, 'actions/list-workflow-runs-for-repo')).toHaveLength(1)
      expect(listings(s, 'actions/list-workflow-runs')).toEqual([])
    })
  })

  describe('when runs are too old, active, or at the attempt cap', () => {
    it('should skip them before any call that GitHub would refuse', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({ id: 1, head_branch: 'a', created_at: daysAgo(31) }),
            failedRun({ id: 2, head_branch: 'b', created_at: daysAgo(29) }),
            failedRun({ id: 3, head_branch: 'c', run_attempt: 50 })
          ])
        )
      )
      const scan = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', lookback: '60d', 'max-attempts': '50' }
      })
      expect(outcomes(scan).sort()).toEqual([
        [1, 'skipped', 'older than 30 days (GitHub refuses re-runs)'],
        [2, 'done', 'conclusion failure, attempt 1'],
        [3, 'skipped', "GitHub's 50-attempt cap reached"]
      ])
      expect(posts(s)).toBe(1)

      // Run 2 is now active (attempt 2 queued); a run that never finished is active too.
      const active = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'run-id': '2' }
      })
      expect(outcomes(active)).toEqual([
        [2, 'skipped', 'already being retried (attempt 2 is queued)']
      ])
      expect(posts(s)).toBe(1)
      expect(s.requests.filter(r => r.status === 403)).toEqual([])
    })

    it('should skip a run still in its first attempt as still running', async () => {
      const s = await simulate(scenario(repository('acme/web', [run({ id: 1 })])))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'run-id': '1' }
      })
      expect(outcomes(result)).toEqual([[1, 'skipped', 'still running']])
      expect(posts(s)).toBe(0)
    })
  })
})
