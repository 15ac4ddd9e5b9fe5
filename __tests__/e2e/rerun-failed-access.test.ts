/**
 * rerun-failed across repositories and tokens: two repositories on a schedule or a `workflow_run`
 * event, run-id with two repositories, the rate limit running out between them, tokens that lack a
 * permission or are invalid, and the API under /api/v3.
 */
import { describe, expect, it } from '@jest/globals'
import {
  failedRun,
  job,
  twoRepositories,
  workflowRunEvent
} from '../../__fixtures__/rerun-failed.js'
import {
  exhaustedReason,
  repository,
  scenario,
  withRequestsLeft
} from '../../__fixtures__/scenario.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest, tokenKeptFromLogHost } from '../lib/simulator-per-test.js'
import { runOf } from '../lib/world.js'

// The API token must never reach the log storage host.
const simulate = simulatorPerTest(tokenKeptFromLogHost)

describe('rerun-failed', () => {
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
