/**
 * rerun-failed on the run a `workflow_run` event names, over one repository or two, and an explicit
 * `run-id` with two repositories.
 */
import { describe, expect, it } from '@jest/globals'
import {
  failedRun,
  job,
  latestJobs,
  rerunCount,
  twoRepositories,
  workflowRunEvent
} from '../../__fixtures__/rerun-failed.js'
import { repository, scenario } from '../../__fixtures__/scenario.js'
import { outcomes } from '../lib/results.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest, tokenKeptFromLogHost } from '../lib/simulator-per-test.js'
import { posts, runOf } from '../lib/world.js'

// The API token must never reach the log storage host.
const simulate = simulatorPerTest(tokenKeptFromLogHost)

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
})
