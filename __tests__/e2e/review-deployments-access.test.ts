/**
 * review-deployments across repositories and tokens: the event's run among two repositories,
 * run-id with two repositories, the rate limit running out between them, an invalid token, tokens
 * that lack a permission, and the API under /api/v3.
 */
import { describe, expect, it } from '@jest/globals'
import {
  deployRepository,
  deployScenario,
  waitingRun
} from '../../__fixtures__/review-deployments.js'
import { exhaustedReason, withRequestsLeft } from '../../__fixtures__/scenario.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { reviews, statusOf, stillPending, writes } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('review-deployments', () => {
  describe('when the primary rate limit runs out with repositories left', () => {
    it('should skip the later repository with the reset time, send nothing more, and succeed', async () => {
      const world = deployScenario(
        deployRepository([waitingRun(['staging'], { id: 1 })]),
        deployRepository([waitingRun(['staging'], { id: 9 })], { fullName: 'acme/api', id: 102 })
      )
      // acme/web: the listing, the run's pending deployments and the review.
      const s = await simulate(withRequestsLeft(world, 'ghp_rita', 3))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments', repository: 'acme/web, acme/api' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.kind, r.id, r.outcome, r.reason])).toEqual([
        ['acme/web', 'run', 1, 'done', 'approved staging'],
        ['acme/api', 'repository', 'acme/api', 'skipped', exhaustedReason(s, 'ghp_rita')]
      ])
      // The review's answer showed x-ratelimit-remaining: 0; nothing was sent after it.
      expect(s.requests).toHaveLength(3)
      expect(s.requests.at(-1)?.method).toBe('POST')
      expect(statusOf(s, 9, 'acme/api')).toBe('waiting/')
    })
  })

  describe('when triggered by workflow_run over two repositories', () => {
    it("should review the event's run in its own repository only, and scan the other", async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([
            waitingRun(['staging'], { id: 1 }),
            waitingRun(['staging'], { id: 2, head_branch: 'feature/x' })
          ]),
          deployRepository([waitingRun(['staging'], { id: 9 })], { fullName: 'acme/api', id: 102 })
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        event: {
          name: 'workflow_run',
          payload: { workflow_run: { id: 2 }, repository: { full_name: 'acme/web' } }
        },
        with: {
          operation: 'review-deployments',
          environments: 'staging',
          repository: 'acme/web, acme/api'
        }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => `${r.repository}#${r.id}:${r.outcome}`)).toEqual([
        'acme/web#2:done',
        'acme/api#9:done'
      ])
      expect(statusOf(s, 1)).toBe('waiting/')
      expect(statusOf(s, 9, 'acme/api')).toBe('in_progress/')
      expect(s.requests.filter(r => r.status === 404).map(r => r.path)).toEqual([])
    })

    it('should refuse an explicit run-id with two repositories before any request', async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([waitingRun(['staging'], { id: 1 })]),
          deployRepository([waitingRun(['staging'], { id: 9 })], { fullName: 'acme/api', id: 102 })
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: {
          operation: 'review-deployments',
          'run-id': '1',
          repository: 'acme/web, acme/api'
        }
      })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toMatch(/::error::Input 'run-id': .*'repository' lists 2 repositories/)
      expect(s.requests).toEqual([])
    })
  })

  describe('when the token is invalid or expired', () => {
    it('should fail the repository, saying so and naming github-token, and send nothing', async () => {
      const s = await simulate(
        deployScenario(deployRepository([waitingRun(['staging'], { id: 1 })]))
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_revoked',
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.kind, r.id, r.outcome])).toEqual([
        ['repository', 'acme/web', 'failed']
      ])
      expect(result.result[0]?.reason).toMatch(
        /^401 Bad credentials: the token is invalid or expired/
      )
      expect(result.result[0]?.reason).toContain('`github-token`')
      expect(s.requests.map(r => r.status)).toEqual([401])
      expect(statusOf(s, 1)).toBe('waiting/')
    })
  })

  describe('when the token lacks a permission', () => {
    it('should fail the review of a reviewer whose token cannot write deployments, naming deployments: write', async () => {
      const s = await simulate(
        deployScenario(deployRepository([waitingRun(['staging'], { id: 1 })]))
      )
      s.state.tokens.ghp_rita_read = {
        login: 'rita',
        kind: 'user',
        permissions: { actions: 'read', deployments: 'read', metadata: 'read' }
      }
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita_read',
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([[1, 'failed']])
      expect(result.result[0]?.reason).toMatch(
        /^403 Resource not accessible by personal access token/
      )
      expect(result.result[0]?.reason).toContain(
        'fine-grained `deployments: write` and `actions: read`'
      )
      expect(reviews(s, 1)).toEqual([])
      expect(stillPending(s, 1)).toEqual(['staging'])
    })

    it('should fail the repository when the token cannot read runs, naming actions: read', async () => {
      const s = await simulate(
        deployScenario(deployRepository([waitingRun(['staging'], { id: 1 })]))
      )
      s.state.tokens.ghp_rita_deploy_only = {
        login: 'rita',
        kind: 'user',
        permissions: { deployments: 'write', metadata: 'read' }
      }
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita_deploy_only',
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.kind, r.outcome])).toEqual([['repository', 'failed']])
      expect(result.result[0]?.reason).toMatch(/^403 /)
      expect(result.result[0]?.reason).toContain('`actions: read`')
      expect(writes(s)).toEqual([])
      expect(statusOf(s, 1)).toBe('waiting/')
    })
  })

  describe('when the API lives under /api/v3 (GitHub Enterprise Server)', () => {
    it('should review through the prefix, in debug mode', async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([
            waitingRun(['staging', 'production'], { id: 1 }),
            waitingRun(['staging', 'audit'], { id: 2 })
          ])
        )
      )
      const result = await runAction({
        bundle: true,
        apiUrl: `${s.url}/api/v3`,
        token: 'ghp_rita',
        with: { operation: 'review-deployments' },
        env: { RUNNER_DEBUG: '1' }
      })
      expect(result.exitCode).toBe(0)
      expect(statusOf(s, 1)).toBe('in_progress/')
      expect(stillPending(s, 2)).toEqual(['audit'])
      expect(reviews(s, 2)).toEqual(['rita approved staging: Reviewed by actions-ops'])
      // The pending deployments, the review and the history were all read through the prefix.
      expect(s.requestCount({ operationId: 'actions/get-reviews-for-run' })).toBe(1)
      expect(s.requests.length).toBeGreaterThan(5)
      expect(s.requests.every(r => r.ghes === true)).toBe(true)
      expect(result.stdout).toContain('::debug::')
    })
  })
})
