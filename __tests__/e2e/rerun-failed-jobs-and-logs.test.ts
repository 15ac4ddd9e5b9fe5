/**
 * rerun-failed judging a run by its jobs and logs: job-filter, log-pattern, the limit on what is
 * read, someone else re-running a run meanwhile, enable-debug-logging, and a dry run.
 */
import { describe, expect, it } from '@jest/globals'
import {
  failedRun,
  job,
  latestJobs,
  rerunCount,
  retriedElsewhere
} from '../../__fixtures__/rerun-failed.js'
import { minutesAgo, onArrival, repository, scenario } from '../../__fixtures__/scenario.js'
import { type Scenario, type ScenarioRun } from '../../simulator/index.js'
import { outcomes } from '../lib/results.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest, tokenKeptFromLogHost } from '../lib/simulator-per-test.js'
import { listings, posts, runOf } from '../lib/world.js'

// The API token must never reach the log storage host.
const simulate = simulatorPerTest(tokenKeptFromLogHost)

describe('rerun-failed', () => {
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
})
