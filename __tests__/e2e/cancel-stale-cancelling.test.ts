/**
 * cancel-stale cancelling: force-cancel-after for runs that ignore the cancel, a run that completes
 * meanwhile, a dry run, and a failed cancel with fail-on-error false.
 */
import { describe, expect, it } from '@jest/globals'
import { minutesAgo, repository, run, scenario } from '../../__fixtures__/scenario.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { cancels, statusOf } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('cancel-stale', () => {
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
})
