/**
 * cancel-stale and what it may reach: two repositories, one that cannot be listed, the rate limit
 * running out between them, a token without actions: write, and the API under /api/v3.
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
import { statusOf } from '../lib/world.js'

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
