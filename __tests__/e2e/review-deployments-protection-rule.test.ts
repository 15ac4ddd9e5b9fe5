/**
 * review-deployments answering a `deployment_protection_rule` event (or its relay) as the rule's
 * GitHub App: the run and environment the payload names, the tokens that cannot answer, answers
 * whose reply is lost, comments, and a dry run.
 */
import { describe, expect, it } from '@jest/globals'
import {
  deployRepository,
  deployScenario,
  protectionRuleEvent,
  waitingRun
} from '../../__fixtures__/review-deployments.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { findRun as runOf, statusOf, stillPending, writes } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('review-deployments', () => {
  describe('when a deployment_protection_rule event arrives', () => {
    it("should answer the rule on the payload's run and environment", async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([waitingRun(['qa'], { id: 7 }), waitingRun(['qa'], { id: 8 })])
        )
      )
      const result = await runAction({
        bundle: true,
        apiUrl: s.url,
        token: 'ghs_gate',
        event: protectionRuleEvent(),
        with: { operation: 'review-deployments', comment: 'Change ticket CHG-12 approved' }
      })
      expect(result.exitCode).toBe(0)
      expect(writes(s)).toEqual(['POST /repos/acme/web/actions/runs/7/deployment_protection_rule'])
      expect(runOf(s, 7)?.protection_rule_answers).toEqual([
        {
          environment: 'qa',
          state: 'approved',
          comment: 'Change ticket CHG-12 approved',
          app: 'deploy-gate[bot]'
        }
      ])
      expect(statusOf(s, 7)).toBe('in_progress/')
      expect(statusOf(s, 8)).toBe('waiting/')
      expect(result.result).toEqual([
        {
          repository: 'acme/web',
          kind: 'run',
          id: 7,
          action: 'review-protection-rule',
          url: 'https://github.com/acme/web/actions/runs/7',
          outcome: 'done',
          reason: 'approved qa (custom deployment protection rule)'
        }
      ])
      // The rule is answered from the payload alone: no listing, no reads.
      expect(s.requests.filter(r => r.method === 'GET')).toEqual([])
    })

    it('should answer a rule relayed as a repository_dispatch the same way', async () => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      const relayed = protectionRuleEvent()
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: {
          name: 'repository_dispatch',
          payload: { action: 'deployment_protection_rule', client_payload: relayed.payload }
        },
        with: { operation: 'review-deployments' }
      })
      expect(result.result.map(r => [r.id, r.action, r.outcome])).toEqual([
        [7, 'review-protection-rule', 'done']
      ])
      expect(statusOf(s, 7)).toBe('in_progress/')
    })

    it('should reject it with state: rejected', async () => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: protectionRuleEvent(),
        with: { operation: 'review-deployments', state: 'rejected' }
      })
      expect(statusOf(s, 7)).toBe('completed/failure')
    })

    it.each([
      ['a person', 'ghp_rita', '403 Resource not accessible by personal access token'],
      ['GITHUB_TOKEN', 'ghs_deploy', '403 Resource not accessible by integration'],
      ['another app', 'ghs_other_app', '422 No deployment protection rule of other-app[bot]']
    ])('should fail clearly for %s token', async (_, token, status) => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      const result = await runAction({
        apiUrl: s.url,
        token,
        event: protectionRuleEvent(),
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([[7, 'failed']])
      expect(result.result[0]?.reason).toContain(status)
      expect(result.result[0]?.reason).toContain(
        'only the GitHub App that owns the deployment protection rule may answer it'
      )
      // No other token can answer it: nothing suggests a reviewer's or a personal access token.
      expect(result.stdout).not.toMatch(/reviewer's token|personal access token with/)
      expect(result.stdout).toContain('::error::1 target(s) failed')
      expect(statusOf(s, 7)).toBe('waiting/')
    })

    it('should name only the app that owns the rule when the token is invalid', async () => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_revoked',
        event: protectionRuleEvent(),
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [
          7,
          'failed',
          "401 Bad credentials: the token is invalid or expired: only the GitHub App that owns the deployment protection rule may answer it; pass that app's installation token (e.g. from actions/create-github-app-token) in `github-token`"
        ]
      ])
      expect(result.stdout).not.toMatch(/reviewer's token|personal access token/)
      expect(statusOf(s, 7)).toBe('waiting/')
    })

    it('should skip an environment that environments does not match, sending nothing', async () => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: protectionRuleEvent(),
        with: { operation: 'review-deployments', environments: 'staging' }
      })
      expect(writes(s)).toEqual([])
      expect(result.result.map(r => [r.outcome, r.reason])).toEqual([
        ['skipped', 'environment qa does not match `environments` (staging)']
      ])
    })

    it("should answer the callback URL's run only, and refuse a payload whose repository differs", async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([waitingRun(['qa'], { id: 7 })]),
          deployRepository([waitingRun(['qa'], { id: 7 })], { fullName: 'acme/api', id: 102 })
        )
      )
      const forged = protectionRuleEvent()
      const payload = { ...(forged.payload as object), repository: { full_name: 'acme/api' } }
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        repository: 'acme/api',
        event: { name: forged.name, payload },
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain(
        'names repository acme/api, but its deployment_callback_url is for acme/web'
      )
      expect(s.requests).toEqual([])
      expect([statusOf(s, 7), statusOf(s, 7, 'acme/api')]).toEqual(['waiting/', 'waiting/'])
    })

    it('should take the repository from the callback URL, whatever its case in the payload', async () => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      const event = protectionRuleEvent()
      const payload = { ...(event.payload as object), repository: { full_name: 'Acme/Web' } }
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: { name: event.name, payload },
        with: { operation: 'review-deployments' }
      })
      expect(result.result.map(r => [r.repository, r.id, r.outcome])).toEqual([
        ['acme/web', 7, 'done']
      ])
      expect(statusOf(s, 7)).toBe('in_progress/')
    })

    it('should report done when the answer landed but its reply was lost, without sending it again', async () => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      s.faults.add({
        method: 'POST',
        path: '/repos/acme/web/actions/runs/7/deployment_protection_rule',
        kind: 'status',
        status: 502,
        times: 1,
        after: 'after-handler'
      })
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: protectionRuleEvent(),
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(0)
      // GitHub applied the first answer; the run read back shows it, so it is not sent again.
      expect(s.requests.filter(r => r.method === 'POST').map(r => r.status)).toEqual([502])
      expect(s.requests.map(r => `${r.method} ${r.path}`)).toEqual([
        'POST /repos/acme/web/actions/runs/7/deployment_protection_rule',
        'GET /repos/acme/web/actions/runs/7/pending_deployments',
        'GET /repos/acme/web/actions/runs/7'
      ])
      expect(runOf(s, 7)?.protection_rule_answers?.map(a => a.state)).toEqual(['approved'])
      expect(statusOf(s, 7)).toBe('in_progress/')
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [7, 'done', 'approved qa (custom deployment protection rule)']
      ])
      expect(result.stdout).toContain('took effect though its answer was lost')
    })

    it('should report done when its reply was lost and the repeat is refused while only the reviewers are left', async () => {
      const repo = deployRepository([waitingRun(['release'], { id: 7 })])
      repo.environments?.push({
        id: 205,
        name: 'release',
        reviewers: ['bob'],
        protection_rule_app: 'deploy-gate[bot]'
      })
      const s = await simulate(deployScenario(repo))
      s.faults.add({
        method: 'POST',
        path: '/repos/acme/web/actions/runs/7/deployment_protection_rule',
        kind: 'status',
        status: 502,
        times: 1,
        after: 'after-handler'
      })
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: protectionRuleEvent('release'),
        with: { operation: 'review-deployments' }
      })
      // The environment still waits (for bob), so the read back cannot tell: the answer is sent
      // again, and GitHub's refusal of the repeat says the rule no longer waits for the app.
      expect(result.exitCode).toBe(0)
      expect(stillPending(s, 7)).toEqual(['release'])
      expect(s.requests.filter(r => r.method === 'POST').map(r => r.status)).toEqual([502, 422])
      expect(runOf(s, 7)?.protection_rule_answers?.map(a => a.state)).toEqual(['approved'])
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [
          7,
          'done',
          "approved release (custom deployment protection rule); an earlier attempt's reply was lost and GitHub refused the repeat (422 No deployment protection rule of deploy-gate[bot] is waiting on environment release in workflow run 7): the rule no longer waits for this app, and release now waits for its required reviewers (bob)"
        ]
      ])
    })

    it('should keep a refusal while the environment still waits, saying when its reviewers are what is left', async () => {
      const repo = deployRepository([waitingRun(['release'], { id: 7 })])
      repo.environments?.push({
        id: 205,
        name: 'release',
        reviewers: ['bob'],
        protection_rule_app: 'deploy-gate[bot]'
      })
      const s = await simulate(deployScenario(repo))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_other_app',
        event: protectionRuleEvent('release'),
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(1)
      expect(stillPending(s, 7)).toEqual(['release'])
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([[7, 'failed']])
      expect(result.result[0]?.reason).toMatch(
        /^422 No deployment protection rule of other-app\[bot\] is waiting on environment release in workflow run 7: only the GitHub App that owns/
      )
      expect(result.result[0]?.reason).toContain(
        '(release also waits for its required reviewers, bob: if an earlier answer landed, only they are left)'
      )
    })

    it('should skip it, saying the run moved on, when it was cancelled before the answer', async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([
            waitingRun([], { id: 7, status: 'completed', conclusion: 'cancelled' })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: protectionRuleEvent(),
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([[7, 'skipped']])
      expect(result.outputs.count).toBe('0')
      expect(result.result[0]?.reason).toMatch(
        /^approved qa \(custom deployment protection rule\); qa no longer waits: the run moved on \(completed, cancelled\), and GitHub refused the answer \(422 /
      )
      expect(runOf(s, 7)?.protection_rule_answers ?? []).toEqual([])
    })

    it('should refuse a comment over 1,024 characters before any call', async () => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: protectionRuleEvent(),
        // 1,024 characters, one of them outside the BMP, then one more.
        with: { operation: 'review-deployments', comment: `🚀${'x'.repeat(1023)}y` }
      })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain(
        'Invalid comment: 1025 characters; GitHub takes at most 1024 in an answer to a deployment protection rule'
      )
      expect(s.requests).toEqual([])
      expect(statusOf(s, 7)).toBe('waiting/')
    })

    it('should send a comment of exactly 1,024 characters, counting characters, not UTF-16 units', async () => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      const comment = `🚀${'x'.repeat(1023)}`
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: protectionRuleEvent(),
        with: { operation: 'review-deployments', comment }
      })
      expect(result.exitCode).toBe(0)
      expect(runOf(s, 7)?.protection_rule_answers?.map(a => a.comment)).toEqual([comment])
    })

    it('should plan the answer in a dry run, sending nothing', async () => {
      const s = await simulate(deployScenario(deployRepository([waitingRun(['qa'], { id: 7 })])))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: protectionRuleEvent(),
        with: { operation: 'review-deployments', 'dry-run': 'true' }
      })
      expect(result.exitCode).toBe(0)
      expect(s.requests).toEqual([])
      expect(statusOf(s, 7)).toBe('waiting/')
      expect(result.result.map(r => [r.id, r.action, r.outcome, r.reason])).toEqual([
        [7, 'review-protection-rule', 'planned', 'approved qa (custom deployment protection rule)']
      ])
      expect(result.outputs).toMatchObject({ count: '1', 'run-ids': '7' })
    })

    it('should fail the step, naming the field, when the payload has no callback URL', async () => {
      const s = await simulate(deployScenario(deployRepository([])))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_gate',
        event: { name: 'deployment_protection_rule', payload: { environment: 'qa' } },
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain('no deployment_callback_url')
      expect(s.requests).toEqual([])
    })
  })
})
