import { describe, expect, it } from '@jest/globals'
import {
  daysAgo,
  failedRun,
  job,
  latestJobs,
  rerunCount,
  retriedElsewhere,
  twoRepositories,
  workflowRunEvent
} from '../../__fixtures__/rerun-failed.js'
import {
  exhaustedReason,
  minutesAgo,
  onArrival,
  repository,
  run,
  scenario,
  withRequestsLeft
} from '../../__fixtures__/scenario.js'
import { type Scenario, type ScenarioRun, type Simulator } from '../../simulator/index.js'
import { outcomes } from '../lib/results.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
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

  describe('when job-filter is set', () => {
    it('should re-run a run whose failed jobs all match, and skip one with another failure', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({
              id: 1,
              head_branch: 'a',
              jobs: [
                job(11, 'build', 'success'),
                job(12, 'e2e (chrome)', 'failure'),
                job(13, 'e2e (firefox)', 'cancelled')
              ]
            }),
            failedRun({
              id: 2,
              head_branch: 'b',
              jobs: [job(21, 'e2e (chrome)', 'failure'), job(22, 'unit', 'failure')]
            })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'job-filter': 'e2e*' }
      })
      expect(outcomes(result).sort()).toEqual([
        [
          1,
          'done',
          'conclusion failure, attempt 1; failed jobs e2e (chrome), e2e (firefox) match job-filter'
        ],
        [2, 'skipped', 'failed job unit is not in job-filter']
      ])
      expect(latestJobs(runOf(s, 1))).toEqual([
        'build:completed/success',
        'e2e (chrome):queued/',
        'e2e (firefox):queued/'
      ])
      expect(runOf(s, 2).run_attempt).toBe(1)
      expect(listings(s, 'actions/list-jobs-for-workflow-run').map(q => q.filter)).toEqual([
        'latest',
        'latest'
      ])
    })

    it('should read every page of a run’s jobs: a failure on page 2 decides', async () => {
      // 130 jobs, 100 a page. Run 1's only flaky failure is on page 1, its real one on page 2;
      // run 2's second flaky failure is on page 2.
      const jobs = (runId: number, last: [string, string]): ScenarioRun['jobs'] =>
        Array.from({ length: 130 }, (_, i) => {
          const id = runId * 1000 + i
          if (i === 3) return job(id, 'e2e (chrome)', 'failure')
          if (i === 120) return job(id, ...last)
          return job(id, `build (${i})`, 'success')
        })
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({ id: 1, head_branch: 'a', jobs: jobs(1, ['unit', 'failure']) }),
            failedRun({ id: 2, head_branch: 'b', jobs: jobs(2, ['e2e (firefox)', 'timed_out']) })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'job-filter': 'e2e*' }
      })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result).sort()).toEqual([
        [1, 'skipped', 'failed job unit is not in job-filter'],
        [
          2,
          'done',
          'conclusion failure, attempt 1; failed jobs e2e (chrome), e2e (firefox) match job-filter'
        ]
      ])
      expect([runOf(s, 1).run_attempt, runOf(s, 2).run_attempt]).toEqual([1, 2])
      const pages = s.requests
        .filter(r => r.operationId === 'actions/list-jobs-for-workflow-run')
        .map(r => `${r.path.split('/')[6]} page ${r.query.page ?? '1'} ${r.status}`)
      expect(pages.sort()).toEqual(['1 page 1 200', '1 page 2 200', '2 page 1 200', '2 page 2 200'])
    })

    it('should read the jobs of the latest attempt only', async () => {
      // Attempt 1 failed in unit (a real failure), attempt 2 only in e2e: attempt 2 decides.
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({
              id: 1,
              run_attempt: 2,
              jobs: [
                { ...job(11, 'unit', 'failure'), run_attempt: 1 },
                { ...job(12, 'e2e', 'failure'), run_attempt: 1 },
                { ...job(13, 'unit', 'success'), run_attempt: 2 },
                { ...job(14, 'e2e', 'failure'), run_attempt: 2 }
              ]
            })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'job-filter': 'e2e' }
      })
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([[1, 'done']])
      expect(runOf(s, 1).run_attempt).toBe(3)
    })
  })

  describe('when log-pattern is set', () => {
    const world = (): Scenario =>
      scenario(
        repository('acme/web', [
          failedRun({
            id: 1,
            head_branch: 'a',
            jobs: [
              job(11, 'unit', 'failure', 'Error: expected 1 to be 2'),
              job(12, 'e2e', 'failure', 'npm ERR! network\nnpm ERR! request failed: ECONNRESET\n')
            ]
          }),
          failedRun({
            id: 2,
            head_branch: 'b',
            jobs: [job(21, 'unit', 'failure', 'Error: expected 1 to be 2')]
          })
        ])
      )

    it('should re-run the run whose failed job log matches, skip the other, and never send the token to the log host', async () => {
      const s = await simulate(world())
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'log-pattern': 'ECONNRESET|ETIMEDOUT' }
      })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result).sort()).toEqual([
        [1, 'done', 'conclusion failure, attempt 1; log of e2e matches log-pattern'],
        [2, 'skipped', 'log did not match']
      ])
      expect([runOf(s, 1).run_attempt, runOf(s, 2).run_attempt]).toEqual([2, 1])
      // Three logs read (unit and e2e of run 1, unit of run 2), each from the other host, unauthenticated.
      expect(s.requestCount({ operationId: 'actions/download-job-logs-for-workflow-run' })).toBe(3)
      expect(s.blobs.requests.map(r => `${r.status}:${r.authorization}`)).toEqual([
        '200:absent',
        '200:absent',
        '200:absent'
      ])
    })

    it('should anchor ^ at the text after GitHub’s timestamp', async () => {
      const s = await simulate(world())
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'log-pattern': '^npm ERR! request failed' }
      })
      expect(result.result.map(r => [r.id, r.outcome]).sort()).toEqual([
        [1, 'done'],
        [2, 'skipped']
      ])
    })

    it('should skip with the reason when a failed job has no log any more', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({
              id: 1,
              // The log of `unit` expired; `e2e` still shows the signature.
              jobs: [
                { id: 11, name: 'unit', status: 'completed', conclusion: 'failure' },
                job(12, 'e2e', 'failure', 'ECONNRESET')
              ]
            }),
            failedRun({
              id: 2,
              head_branch: 'b',
              jobs: [{ id: 21, name: 'unit', status: 'completed', conclusion: 'failure' }]
            })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'log-pattern': 'ECONNRESET' }
      })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result).sort()).toEqual([
        [1, 'done', 'conclusion failure, attempt 1; log of e2e matches log-pattern'],
        [2, 'skipped', 'log did not match (no log for unit)']
      ])
    })
  })

  describe('when more runs qualify than the limit allows', () => {
    it('should not read jobs or logs for the runs past the limit, and give limit reached only to them', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            ...['a', 'b', 'c', 'd'].map((branch, i) =>
              failedRun({
                id: i + 1,
                head_branch: branch,
                created_at: minutesAgo(40 - i),
                jobs: [job(i * 10 + 11, 'e2e', 'failure', 'ETIMEDOUT')]
              })
            ),
            // Older than the others, so met after the budget is spent: it keeps its own reason.
            failedRun({ id: 5, head_branch: 'e', created_at: minutesAgo(50), run_attempt: 3 })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'log-pattern': 'ETIMEDOUT', limit: '2' }
      })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [5, 'skipped', 'max attempts reached'],
        [4, 'done', 'conclusion failure, attempt 1; log of e2e matches log-pattern'],
        [3, 'done', 'conclusion failure, attempt 1; log of e2e matches log-pattern'],
        [2, 'skipped', 'limit reached'],
        [1, 'skipped', 'limit reached']
      ])
      expect(listings(s, 'actions/list-jobs-for-workflow-run')).toHaveLength(2)
      expect(s.requestCount({ operationId: 'actions/download-job-logs-for-workflow-run' })).toBe(2)
      expect(rerunCount(s)).toBe(2)
    })
  })

  describe('when someone re-runs the run while the action reads its log', () => {
    it("should report it skipped on GitHub's 403, without retrying", async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({ id: 1, jobs: [job(11, 'e2e', 'failure', 'ETIMEDOUT')] })
          ])
        )
      )
      // The log request is the last read before the re-run: start attempt 2 right then.
      const put = s.blobs.put.bind(s.blobs)
      s.blobs.put = (text, ttlMs) => {
        Object.assign(runOf(s, 1), { status: 'queued', conclusion: null, run_attempt: 2 })
        return put(text, ttlMs)
      }
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'log-pattern': 'ETIMEDOUT' }
      })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [1, 'skipped', 'already being retried (GitHub: already running)']
      ])
      expect(s.requestCount({ operationId: 'actions/re-run-workflow-failed-jobs' })).toBe(1)
      expect(runOf(s, 1).reruns).toBeUndefined()
    })
  })

  describe('when someone re-runs the run between the newer-run check and the job listing', () => {
    it('should skip it: the jobs listed belong to an attempt that was not judged', async () => {
      const s = await simulate(scenario(repository('acme/web', [failedRun({ id: 1 })])))
      onArrival(s, request => {
        if (request.path === '/repos/acme/web/actions/runs/1/jobs' && runOf(s, 1).run_attempt === 1)
          retriedElsewhere(s, 1, null)
      })
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'job-filter': 'test' }
      })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([[1, 'skipped', 'changed since listed: attempt 2 exists']])
      expect(posts(s)).toBe(0)
      expect(runOf(s, 1).reruns).toBeUndefined()
    })
  })

  describe('when enable-debug-logging is set', () => {
    it('should send it with the re-run; false by default', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({ id: 1, head_branch: 'a' }),
            failedRun({ id: 2, head_branch: 'b' })
          ])
        )
      )
      await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'run-id': '1', 'enable-debug-logging': 'true' }
      })
      await runAction({ apiUrl: s.url, with: { operation: 'rerun-failed', 'run-id': '2' } })
      expect(runOf(s, 1).reruns?.map(r => r.enable_debug_logging)).toEqual([true])
      expect(runOf(s, 2).reruns?.map(r => r.enable_debug_logging)).toEqual([false])
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

  describe('when a dry run', () => {
    it('should plan exactly what the real run does, reading logs but sending no POST', async () => {
      const world = scenario(
        repository('acme/web', [
          failedRun({ id: 1, head_branch: 'a', jobs: [job(11, 'e2e', 'failure', 'ETIMEDOUT')] }),
          failedRun({ id: 2, head_branch: 'b', jobs: [job(21, 'e2e', 'failure', 'assertion')] }),
          failedRun({ id: 3, head_branch: 'c', jobs: [job(31, 'unit', 'failure', 'ETIMEDOUT')] }),
          failedRun({ id: 4, head_branch: 'd', jobs: [job(41, 'e2e', 'failure', 'ETIMEDOUT')] }),
          failedRun({ id: 5, head_branch: 'e', run_attempt: 3 })
        ])
      )
      const inputs = {
        operation: 'rerun-failed',
        'job-filter': 'e2e',
        'log-pattern': 'ETIMEDOUT',
        limit: '1'
      }
      const dry = await simulate(structuredClone(world))
      const planned = await runAction({ apiUrl: dry.url, with: { ...inputs, 'dry-run': 'true' } })
      expect(dry.requests.filter(r => r.method !== 'GET')).toEqual([])
      expect(dry.state.repositories[0]?.runs.map(r => r.run_attempt)).toEqual([1, 1, 1, 1, 3])
      expect(planned.summary).toContain('dry run')
      await dry.close()

      const real = await simulate(structuredClone(world))
      const done = await runAction({ apiUrl: real.url, with: inputs })
      const shape = (r: ActionRun['result'][number]): string =>
        `${String(r.id)}:${r.outcome}:${r.reason}`
      expect(planned.result.map(shape)).toEqual(
        done.result.map(shape).map(s => s.replace(':done:', ':planned:'))
      )
      expect(done.result.map(r => [r.id, r.outcome]).sort()).toEqual([
        [1, 'skipped'],
        [2, 'skipped'],
        [3, 'skipped'],
        [4, 'done'],
        [5, 'skipped']
      ])
      expect(planned.outputs['run-ids']).toBe(done.outputs['run-ids'])
      expect(planned.outputs.count).toBe('1')
      expect(rerunCount(real)).toBe(1)
    })
  })

  describe('when scheduled over two repositories', () => {
    it('should re-run in both and report each', async () => {
      const s = await simulate(twoRepositories())
      const result = await runAction({
        apiUrl: s.url,
        event: { name: 'schedule', payload: { schedule: '0 * * * *' } },
        with: { operation: 'rerun-failed', repository: 'acme/web, acme/api' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => `${r.repository}#${r.id}:${r.outcome}`)).toEqual([
        'acme/web#1:done',
        'acme/api#7:done'
      ])
      expect([runOf(s, 1).run_attempt, runOf(s, 7, 'acme/api').run_attempt]).toEqual([2, 2])
    })
  })

  describe('when the primary rate limit runs out with repositories left', () => {
    it('should skip the later repository with the reset time, send nothing more, and succeed', async () => {
      // acme/web: one listing (its runs since lookback fit on one page, which also shows whether a
      // newer run exists) and the re-run.
      const s = await simulate(withRequestsLeft(twoRepositories(), 'ghs_write', 2))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', repository: 'acme/web, acme/api' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.kind, r.id, r.outcome, r.reason])).toEqual([
        ['acme/web', 'run', 1, 'done', 'conclusion failure, attempt 1'],
        ['acme/api', 'repository', 'acme/api', 'skipped', exhaustedReason(s)]
      ])
      // The re-run's answer showed x-ratelimit-remaining: 0; nothing was sent after it.
      expect(s.requests).toHaveLength(2)
      expect(s.requests.at(-1)?.path).toBe('/repos/acme/web/actions/runs/1/rerun-failed-jobs')
      expect(runOf(s, 7, 'acme/api').run_attempt).toBe(1)
    })
  })

  describe('when triggered by workflow_run over two repositories', () => {
    it("should act on the event's run in its own repository only, and scan the other", async () => {
      const triggering = failedRun({ id: 1 })
      const s = await simulate(
        scenario(
          repository('acme/web', [triggering, failedRun({ id: 2, head_branch: 'dev' })]),
          repository(
            'acme/api',
            [
              failedRun({ id: 7, head_repository: 'acme/api' }),
              failedRun({ id: 8, head_branch: 'dev', head_repository: 'acme/api' })
            ],
            102
          )
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        event: workflowRunEvent(triggering, 'acme/web'),
        with: { operation: 'rerun-failed', repository: 'acme/api, acme/web' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => `${r.repository}#${r.id}:${r.outcome}`).sort()).toEqual([
        'acme/api#7:done',
        'acme/api#8:done',
        'acme/web#1:done'
      ])
      // acme/web: the event's run only; acme/api: scanned, never asked for run 1.
      expect(runOf(s, 2).run_attempt).toBe(1)
      expect(s.requests.filter(r => r.status === 404).map(r => r.path)).toEqual([])
      expect(s.requests.filter(r => r.path.startsWith('/repos/acme/api/actions/runs/1'))).toEqual(
        []
      )
    })

    it('should refuse an explicit run-id with two repositories before any request', async () => {
      const s = await simulate(twoRepositories())
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'run-id': '1', repository: 'acme/web, acme/api' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toMatch(
        /::error::Input 'run-id': "1" names one run, but 'repository' lists 2 repositories \(acme\/web, acme\/api\)/
      )
      expect(s.requests).toEqual([])
      expect(result.result).toEqual([])
    })
  })

  describe('when the token lacks actions: write', () => {
    it('should fail the re-run with the permission to add, and fail the step', async () => {
      const s = await simulate(scenario(repository('acme/web', [failedRun({ id: 1 })])))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_read',
        with: { operation: 'rerun-failed' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([[1, 'failed']])
      expect(result.result[0]?.reason).toContain('add `permissions: actions: write` to the job')
      expect(runOf(s, 1).run_attempt).toBe(1)
    })
  })
  describe('when the token is invalid or expired', () => {
    it('should fail the repository with a message that names github-token, and re-run nothing', async () => {
      const s = await simulate(scenario(repository('acme/web', [failedRun({ id: 1 })])))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_revoked_0123456789',
        with: { operation: 'rerun-failed' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.kind, r.id, r.outcome])).toEqual([
        ['repository', 'acme/web', 'failed']
      ])
      expect(result.result[0]?.reason).toMatch(/^401 .*invalid or expired.*`github-token`/)
      expect(result.stdout).toContain('::error::')
      expect(s.requests.filter(r => r.status !== 401)).toEqual([])
      expect(runOf(s, 1).run_attempt).toBe(1)
    })
  })

  describe('when the API lives under /api/v3 (GitHub Enterprise Server)', () => {
    it('should check, re-run and read logs through the prefix, in debug mode, without printing the token', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            failedRun({ id: 1, head_branch: 'a', jobs: [job(11, 'e2e', 'failure', 'ETIMEDOUT')] }),
            failedRun({ id: 2, head_branch: 'b', jobs: [job(21, 'e2e', 'failure', 'assertion')] })
          ])
        )
      )
      const result = await runAction({
        bundle: true,
        apiUrl: `${s.url}/api/v3`,
        with: { operation: 'rerun-failed', 'log-pattern': 'ETIMEDOUT' },
        env: { RUNNER_DEBUG: '1' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome]).sort()).toEqual([
        [1, 'done'],
        [2, 'skipped']
      ])
      expect([runOf(s, 1).run_attempt, runOf(s, 2).run_attempt]).toEqual([2, 1])
      // Listings (failed runs, then newer runs), jobs, logs and the re-run: all under the prefix.
      expect(new Set(s.requests.map(r => r.operationId))).toEqual(
        new Set([
          'actions/list-workflow-runs-for-repo',
          'actions/list-jobs-for-workflow-run',
          'actions/download-job-logs-for-workflow-run',
          'actions/re-run-workflow-failed-jobs'
        ])
      )
      expect(s.requests.every(r => r.ghes === true)).toBe(true)
      expect(result.stdout).toContain('::debug::')
    })
  })
})
