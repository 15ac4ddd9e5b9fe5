/**
 * cancel-stale cancelling the stale runs: two repositories, force-cancel-after for runs that ignore
 * the cancel, a run that completes meanwhile, a dry run, a repository that cannot be listed, the
 * rate limit running out, a failed cancel with fail-on-error false, a token without
 * actions: write, and the API under /api/v3.
 */
import { describe, expect, it } from '@jest/globals'
import {
  exhaustedReason,
  minutesAgo,
  repository,
  run,
  scenario,
  withRequestsLeft
} from '../../__fixtures__/scenario.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { cancels, statusOf } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('cancel-stale', () => {
  describe('when scheduled over two repositories', () => {
    it('should clean both, and report each', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(30) }),
            run({ id: 2, created_at: minutesAgo(3) })
          ]),
          repository(
            'acme/api',
            [
              run({ id: 7, created_at: minutesAgo(30), head_repository: 'acme/api' }),
              run({ id: 8, created_at: minutesAgo(3), head_repository: 'acme/api' })
            ],
            102
          )
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        event: { name: 'schedule', payload: { schedule: '*/15 * * * *' } },
        with: { operation: 'cancel-stale', repository: 'acme/web\nacme/api' }
      })
      expect(result.exitCode).toBe(0)
      expect([
        statusOf(s, 1),
        statusOf(s, 2),
        statusOf(s, 7, 'acme/api'),
        statusOf(s, 8, 'acme/api')
      ]).toEqual(['completed/cancelled', 'in_progress/', 'completed/cancelled', 'in_progress/'])
      expect(result.result.map(r => `${r.repository}#${r.id}`)).toEqual([
        'acme/web#1',
        'acme/api#7'
      ])
    })
  })
  describe('when a run ignores cancel and force-cancel-after is set', () => {
    it('should force-cancel it after the wait, and only it', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(30), on_cancel: 'ignore' }),
            run({ id: 2, created_at: minutesAgo(20) }),
            run({ id: 3, created_at: minutesAgo(2) })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', 'force-cancel-after': '5m' }
      })
      expect(result.exitCode).toBe(0)
      expect(statusOf(s, 1)).toBe('completed/cancelled')
      expect(s.requestCount({ operationId: 'actions/force-cancel-workflow-run' })).toBe(1)
      expect(result.result.map(r => [r.id, r.action, r.outcome])).toEqual([
        [1, 'force-cancel', 'done'],
        [2, 'cancel', 'done']
      ])
      // Once one run is left to check, reading it costs no more than listing them all again.
      expect(s.requestCount({ operationId: 'actions/get-workflow-run' })).toBeGreaterThan(0)
    })

    it('should poll many cancelled runs by listing the active runs again, not run by run', async () => {
      // 19 superseded runs on main, 3 of which ignore the cancel: checking them costs more
      // requests one by one than the listing that shows them all.
      const s = await simulate(
        scenario(
          repository(
            'acme/web',
            Array.from({ length: 20 }, (_, i) =>
              run({
                id: i + 1,
                created_at: minutesAgo(40 - i),
                ...(i < 3 && { on_cancel: 'ignore' as const })
              })
            )
          )
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', 'force-cancel-after': '5m' }
      })
      expect(result.exitCode).toBe(0)
      const byAction = (action: string): number[] =>
        result.result
          .filter(r => r.action === action && r.outcome === 'done')
          .map(r => Number(r.id))
      expect(byAction('force-cancel').sort((a, b) => a - b)).toEqual([1, 2, 3])
      expect(byAction('cancel')).toHaveLength(16)
      expect([1, 2, 3, 19, 20].map(id => statusOf(s, id))).toEqual([
        'completed/cancelled',
        'completed/cancelled',
        'completed/cancelled',
        'completed/cancelled',
        'in_progress/'
      ])
      // The runs fit on one page: every poll lists them again, one request, which costs less than
      // reading even the 3 runs that ignore the cancel one by one.
      expect(
        s.requestCount({ operationId: 'actions/list-workflow-runs-for-repo' })
      ).toBeGreaterThanOrEqual(2)
      expect(s.requestCount({ operationId: 'actions/get-workflow-run' })).toBe(0)
    })

    it('should read the runs left one by one once they are fewer than the listings of a busy repository', async () => {
      // 19 superseded runs on main, 3 of which ignore the cancel, and more runs than one page
      // holds: the active runs take six listings (the first page, then one per active status).
      const history = Array.from({ length: 101 }, (_, i) =>
        run({
          id: 100 + i,
          status: 'completed',
          conclusion: 'success',
          created_at: minutesAgo(300)
        })
      )
      const active = Array.from({ length: 20 }, (_, i) =>
        run({
          id: i + 1,
          created_at: minutesAgo(40 - i),
          ...(i < 3 && { on_cancel: 'ignore' as const })
        })
      )
      const s = await simulate(scenario(repository('acme/web', [...active, ...history])))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', 'force-cancel-after': '5m' }
      })
      expect(result.exitCode).toBe(0)
      expect(
        result.result.filter(r => r.action === 'force-cancel' && r.outcome === 'done')
      ).toHaveLength(3)
      // The first poll lists the active runs again (six listings); the runs 1 to 3 it leaves are
      // few enough to be read one by one on later polls.
      expect(s.requestCount({ operationId: 'actions/list-workflow-runs-for-repo' })).toBe(12)
      const read = s.requests
        .filter(r => r.operationId === 'actions/get-workflow-run')
        .map(r => Number(r.path.split('/').pop()))
      expect(new Set(read)).toEqual(new Set([1, 2, 3]))
    })
  })

  describe('when a run completes between listing and cancel', () => {
    it('should report it skipped as already completed, without retrying the 409', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(30), completes_after_listed: true }),
            run({ id: 2, created_at: minutesAgo(20) }),
            run({ id: 3, created_at: minutesAgo(2) })
          ])
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'cancel-stale' } })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'skipped', 'already completed'],
        [2, 'done', 'superseded by run 3']
      ])
      expect(statusOf(s, 1)).toBe('completed/success')
      expect(cancels(s)).toBe(2)
    })
  })

  describe('when a dry run', () => {
    it('should change nothing, send no POST, and plan exactly what the real run does', async () => {
      const world = scenario(
        repository('acme/web', [
          run({ id: 1, created_at: minutesAgo(30) }),
          run({ id: 2, created_at: minutesAgo(20), status: 'waiting' }),
          run({ id: 3, created_at: minutesAgo(2) }),
          run({ id: 4, created_at: minutesAgo(9 * 60), head_branch: 'old' })
        ])
      )
      const dry = await simulate(structuredClone(world))
      const planned = await runAction({
        apiUrl: dry.url,
        with: { operation: 'cancel-stale', 'dry-run': 'true', 'stale-after': '6h', limit: '2' }
      })
      expect(dry.requests.filter(r => r.method !== 'GET')).toEqual([])
      expect([1, 2, 3, 4].map(id => statusOf(dry, id))).toEqual([
        'in_progress/',
        'waiting/',
        'in_progress/',
        'in_progress/'
      ])
      expect(planned.summary).toContain('dry run')
      await dry.close()

      const real = await simulate(structuredClone(world))
      const done = await runAction({
        apiUrl: real.url,
        with: { operation: 'cancel-stale', 'stale-after': '6h', limit: '2' }
      })
      const shape = (r: { id: unknown; action: string; outcome: string }): string =>
        `${String(r.id)}:${r.action}:${r.outcome}`
      expect(planned.result.map(shape)).toEqual(
        done.result.map(shape).map(s => s.replace(':done', ':planned'))
      )
      expect(planned.outputs['run-ids']).toBe(done.outputs['run-ids'])
      expect(planned.outputs.count).toBe(done.outputs.count)
    })
  })

  describe('when one repository cannot be listed', () => {
    it('should report it failed and still process the next repository', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(30) }),
            run({ id: 2, created_at: minutesAgo(3) })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', repository: 'acme/gone, acme/web' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.repository, r.kind, r.id, r.outcome])).toEqual([
        ['acme/gone', 'repository', 'acme/gone', 'failed'],
        ['acme/web', 'run', 1, 'done']
      ])
      expect(result.result[0]?.reason).toContain('404')
      expect(
        s.requests.filter(r => r.path.startsWith('/repos/acme/gone/')).map(r => r.status)
      ).toEqual([404])
      expect([statusOf(s, 1), statusOf(s, 2)]).toEqual(['completed/cancelled', 'in_progress/'])
      expect(result.stdout).toContain('::error::1 target(s) failed')
    })
  })

  describe('when the primary rate limit runs out with repositories left', () => {
    it('should skip the later repository with the reset time, send nothing more, and succeed', async () => {
      const world = scenario(
        repository('acme/web', [
          run({ id: 1, created_at: minutesAgo(30) }),
          run({ id: 2, created_at: minutesAgo(3) })
        ]),
        repository('acme/api', [
          run({ id: 11, created_at: minutesAgo(30), head_repository: 'acme/api' }),
          run({ id: 12, created_at: minutesAgo(3), head_repository: 'acme/api' })
        ])
      )
      // acme/web's one listing (its runs fit on one page) and its cancel spend the last request.
      const s = await simulate(withRequestsLeft(world, 'ghs_write', 2))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', repository: 'acme/web, acme/api' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.kind, r.id, r.outcome, r.reason])).toEqual([
        ['acme/web', 'run', 1, 'done', 'superseded by run 2'],
        ['acme/api', 'repository', 'acme/api', 'skipped', exhaustedReason(s)]
      ])
      // The cancel's answer showed x-ratelimit-remaining: 0; nothing was sent after it.
      expect(s.requests).toHaveLength(2)
      expect(s.requests.at(-1)?.path).toBe('/repos/acme/web/actions/runs/1/cancel')
      expect(statusOf(s, 11, 'acme/api')).toBe('in_progress/')
    })
  })

  describe('when fail-on-error is false and a cancel fails', () => {
    it('should report the failure and keep the step green', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(30) }),
            run({ id: 2, created_at: minutesAgo(20) }),
            run({ id: 3, created_at: minutesAgo(3) })
          ])
        )
      )
      s.faults.add({
        path: '/repos/acme/web/actions/runs/1/cancel',
        kind: 'status',
        status: 500,
        times: 10
      })
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', 'fail-on-error': 'false' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([
        [1, 'failed'],
        [2, 'done']
      ])
      expect(result.result[0]?.reason).toContain('500')
      expect(result.stdout).not.toContain('::error::1 target(s) failed')
      expect([1, 2, 3].map(id => statusOf(s, id))).toEqual([
        'in_progress/',
        'completed/cancelled',
        'in_progress/'
      ])
      expect(result.outputs).toMatchObject({ count: '1', 'run-ids': '2' })
    })
  })

  describe('when the token lacks actions: write', () => {
    it('should fail each cancel with the permission to add, and fail the step', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(30) }),
            run({ id: 2, created_at: minutesAgo(3) })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_read',
        with: { operation: 'cancel-stale' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([[1, 'failed']])
      expect(result.result[0]?.reason).toContain('add `permissions: actions: write` to the job')
      expect(result.stdout).toContain('::error::1 target(s) failed')
      expect(statusOf(s, 1)).toBe('in_progress/')
    })
  })

  describe('when the API lives under /api/v3 (GitHub Enterprise Server)', () => {
    it('should work through the prefix, in debug mode, without printing the token', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(30) }),
            run({ id: 2, created_at: minutesAgo(3) })
          ])
        )
      )
      const result = await runAction({
        bundle: true,
        apiUrl: `${s.url}/api/v3`,
        with: { operation: 'cancel-stale' },
        env: { RUNNER_DEBUG: '1' }
      })
      expect(result.exitCode).toBe(0)
      expect(statusOf(s, 1)).toBe('completed/cancelled')
      expect(s.requests.every(r => r.ghes === true)).toBe(true)
      expect(result.stdout).toContain('::debug::')
    })
  })
})
