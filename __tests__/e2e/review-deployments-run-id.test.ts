/**
 * review-deployments on the run a `workflow_run` event names, over one repository or two, and an
 * explicit `run-id` with two repositories.
 */
import { describe, expect, it } from '@jest/globals'
import {
  deployRepository,
  deployScenario,
  waitingRun
} from '../../__fixtures__/review-deployments.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { statusOf } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('review-deployments', () => {
  describe('when triggered by workflow_run', () => {
    it('should review the triggering run only, not the other waiting run', async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([
            waitingRun(['staging'], { id: 1 }),
            waitingRun(['staging'], { id: 2, head_branch: 'feature/x' })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        event: { name: 'workflow_run', payload: { workflow_run: { id: 2 } } },
        with: { operation: 'review-deployments', environments: 'staging' }
      })
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([[2, 'done']])
      expect(statusOf(s, 1)).toBe('waiting/')
      expect(statusOf(s, 2)).toBe('in_progress/')
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
})
