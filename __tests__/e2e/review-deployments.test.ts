import { describe, expect, it } from '@jest/globals'
import {
  deployRepository,
  deployScenario,
  protectionRuleEvent,
  waitingRun
} from '../../__fixtures__/review-deployments.js'
import { exhaustedReason, minutesAgo, run, withRequestsLeft } from '../../__fixtures__/scenario.js'
import { type Simulator } from '../../simulator/index.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import {
  findRun as runOf,
  reviewCalls,
  reviews,
  statusOf,
  stillPending,
  writes
} from '../lib/world.js'

const simulate = simulatorPerTest()

describe('review-deployments', () => {
  describe('when a run waits on staging and production, with environments: staging', () => {
    it('should send one review for staging only, and leave production waiting', async () => {
      const s = await simulate(
        deployScenario(deployRepository([waitingRun(['staging', 'production'], { id: 1 })]))
      )
      const result = await runAction({
        bundle: true,
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments', environments: 'staging' }
      })
      expect(result.exitCode).toBe(0)
      expect(reviewCalls(s)).toBe(1)
      expect(reviews(s, 1)).toEqual(['rita approved staging: Reviewed by actions-ops'])
      expect(stillPending(s, 1)).toEqual(['production'])
      expect(statusOf(s, 1)).toBe('waiting/')
      expect(result.result.map(r => [r.id, r.action, r.outcome, r.reason])).toEqual([
        [1, 'review', 'done', 'approved staging']
      ])
      expect(result.outputs).toMatchObject({ count: '1', 'run-ids': '1' })
    })
  })

  describe('when environments is empty', () => {
    it('should review every approvable environment in one call, and the run goes on', async () => {
      const s = await simulate(
        deployScenario(deployRepository([waitingRun(['staging', 'production'], { id: 1 })]))
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments', comment: 'Nightly train' }
      })
      expect(result.exitCode).toBe(0)
      expect(reviewCalls(s)).toBe(1)
      expect(reviews(s, 1)).toEqual(['rita approved staging+production: Nightly train'])
      expect(statusOf(s, 1)).toBe('in_progress/')
      // production's 30 min wait timer started 10 minutes ago: the summary says it still runs.
      expect(result.result[0]?.reason).toBe(
        'approved staging, production; wait timer on production: about 20 min left'
      )
      expect(result.summary).toContain('wait timer on production: about 20 min left')
      expect(result.summary).toContain('<a href="https://github.com/acme/web/actions/runs/1">1</a>')
    })
  })

  describe('when state is rejected', () => {
    it('should reject, and the run completes as failure', async () => {
      const s = await simulate(
        deployScenario(deployRepository([waitingRun(['staging', 'production'], { id: 1 })]))
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments', environments: 'prod*', state: 'rejected' }
      })
      expect(result.exitCode).toBe(0)
      expect(reviews(s, 1)).toEqual(['rita rejected production: Reviewed by actions-ops'])
      expect(statusOf(s, 1)).toBe('completed/failure')
      expect(result.result.map(r => [r.outcome, r.reason])).toEqual([
        ['done', 'rejected production']
      ])
    })
  })

  describe('when the token may not approve some environments', () => {
    it('should review the others and skip those, naming the reviewers and the history', async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([
            waitingRun(['staging', 'audit'], {
              id: 1,
              approvals: [
                { environments: ['qa'], state: 'approved', user: 'bob', comment: 'Looks good' }
              ]
            })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(0)
      expect(stillPending(s, 1)).toEqual(['audit'])
      // One entry for the run, saying both facts.
      expect(result.result.map(r => [r.action, r.outcome, r.reason])).toEqual([
        [
          'review',
          'done',
          "approved staging; audit: the token may not approve (required reviewers: carol); pass a required reviewer's token in `github-token` (GITHUB_TOKEN cannot review); reviews so far: bob approved qa"
        ]
      ])
      expect(s.requestCount({ operationId: 'actions/get-reviews-for-run' })).toBe(1)
    })

    it('should name the protection rule, not the reviewers, for an environment its reviewers approved already', async () => {
      const repo = deployRepository([
        waitingRun(['staging', 'release'], {
          id: 1,
          approvals: [{ environments: ['release'], state: 'approved', user: 'bob', comment: 'Go' }]
        })
      ])
      repo.environments?.push({
        id: 205,
        name: 'release',
        reviewers: ['bob'],
        protection_rule_app: 'deploy-gate[bot]'
      })
      const pendingRelease = repo.runs[0]?.pending_deployments?.[1]
      if (!pendingRelease) throw new Error('the run does not wait on release')
      pendingRelease.reviewers_approved = true
      const s = await simulate(deployScenario(repo))
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(0)
      expect(stillPending(s, 1)).toEqual(['release'])
      expect(result.result.map(r => [r.outcome, r.reason])).toEqual([
        [
          'done',
          'approved staging; release: its required reviewers approved (bob); it waits for a deployment protection rule, which only the GitHub App that owns it can answer; reviews so far: bob approved release'
        ]
      ])
    })

    it('should skip every environment for GITHUB_TOKEN, send no review, and not fail', async () => {
      const s = await simulate(
        deployScenario(deployRepository([waitingRun(['staging', 'production'], { id: 1 })]))
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_deploy',
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(0)
      expect(writes(s)).toEqual([])
      expect(statusOf(s, 1)).toBe('waiting/')
      expect(result.result).toHaveLength(1)
      expect(result.result[0]).toMatchObject({ id: 1, outcome: 'skipped' })
      expect(result.result[0]?.reason).toContain(
        'staging: the token may not approve (required reviewers: rita)'
      )
      expect(result.result[0]?.reason).toContain('GITHUB_TOKEN cannot review')
      expect(result.result[0]?.reason).toContain('production: the token may not approve')
    })
  })

  describe("when the server's status=waiting filter misses waiting runs", () => {
    it('should still find them, from one listing not filtered on status', async () => {
      const s = await simulate(
        deployScenario(
          deployRepository(
            [
              waitingRun(['staging'], { id: 1 }),
              run({ id: 2, status: 'in_progress' }),
              run({ id: 3, status: 'completed', conclusion: 'success' })
            ],
            { waitingFilter: 'misses-waiting-runs' }
          )
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments' }
      })
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([[1, 'done']])
      expect(statusOf(s, 1)).toBe('in_progress/')
      expect(statusOf(s, 2)).toBe('in_progress/')
      // Every run that can still be waiting fits on one page: one listing, bounded server-side
      // by creation (60 days: a re-run within 30 days, then a wait of up to 30), no status filter.
      const listings = s.requests.filter(
        r => r.operationId === 'actions/list-workflow-runs-for-repo'
      )
      expect(listings).toHaveLength(1)
      expect(listings[0]?.query.status).toBeUndefined()
      const since = Date.parse((listings[0]?.query.created ?? '').replace(/^>=/, ''))
      expect(Math.round((Date.now() - since) / 86_400_000)).toBe(60)
      expect(s.requestCount({ operationId: 'actions/get-pending-deployments-for-run' })).toBe(1)
      expect(s.requests).toHaveLength(3)
    })
  })

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

  describe('when the limit is spent', () => {
    it('should give limit reached only to runs it would review; a run it cannot review keeps its reason', async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([
            waitingRun(['staging'], { id: 1, created_at: minutesAgo(3) }),
            waitingRun(['audit'], { id: 2, created_at: minutesAgo(6) }),
            waitingRun(['staging', 'audit'], { id: 3, created_at: minutesAgo(9) })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments', limit: '1' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'approved staging'],
        [
          2,
          'skipped',
          "audit: the token may not approve (required reviewers: carol); pass a required reviewer's token in `github-token` (GITHUB_TOKEN cannot review)"
        ],
        [
          3,
          'skipped',
          "limit reached; audit: the token may not approve (required reviewers: carol); pass a required reviewer's token in `github-token` (GITHUB_TOKEN cannot review)"
        ]
      ])
      expect(result.stdout.match(/::warning::limit reached.*`limit` input/g)).toHaveLength(1)
      expect(reviewCalls(s)).toBe(1)
      expect([stillPending(s, 2), stillPending(s, 3)]).toEqual([['audit'], ['staging', 'audit']])
    })
  })

  describe('when a review takes effect but its answer is lost', () => {
    it('should find it in the review history and report it done, without sending it again', async () => {
      const s = await simulate(
        deployScenario(deployRepository([waitingRun(['staging', 'production'], { id: 1 })]))
      )
      s.faults.add({
        method: 'POST',
        path: '/repos/acme/web/actions/runs/1/pending_deployments',
        kind: 'status',
        status: 502,
        times: 1,
        after: 'after-handler'
      })
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'approved staging, production; wait timer on production: about 20 min left']
      ])
      expect(reviewCalls(s)).toBe(1)
      expect(reviews(s, 1)).toEqual(['rita approved staging+production: Reviewed by actions-ops'])
      expect(s.requests.filter(r => r.status === 422)).toEqual([])
    })

    it('should send it again when the read back shows it did not take effect', async () => {
      const s = await simulate(
        deployScenario(deployRepository([waitingRun(['staging'], { id: 1 })]))
      )
      s.faults.add({
        method: 'POST',
        path: '/repos/acme/web/actions/runs/1/pending_deployments',
        kind: 'drop',
        times: 1
      })
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments' }
      })
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'approved staging']
      ])
      expect(reviewCalls(s)).toBe(2)
      expect(reviews(s, 1)).toEqual(['rita approved staging: Reviewed by actions-ops'])
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

  describe('when runs are scanned with the common filters', () => {
    it('should review only matching waiting runs, and say why a waiting run is left', async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([
            waitingRun(['staging'], { id: 1, created_at: minutesAgo(5) }),
            waitingRun(['staging'], { id: 2, head_branch: 'feature/x' }),
            waitingRun(['production'], { id: 3, created_at: minutesAgo(20) })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments', environments: 'staging', branch: 'main' }
      })
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'approved staging'],
        [3, 'skipped', 'waiting on production, which `environments` (staging) does not match']
      ])
      expect(statusOf(s, 2)).toBe('waiting/')
      expect(reviewCalls(s)).toBe(1)
    })
  })

  describe("when one run's pending deployments cannot be read", () => {
    it('should fail that run and still review the others', async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([
            waitingRun(['staging'], { id: 1, created_at: minutesAgo(2) }),
            waitingRun(['staging'], { id: 2, created_at: minutesAgo(4) })
          ])
        )
      )
      s.faults.add({
        path: '/repos/acme/web/actions/runs/1/pending_deployments',
        times: 1,
        kind: 'status',
        status: 403
      })
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([
        [1, 'failed'],
        [2, 'done']
      ])
      expect(result.result[0]?.reason).toMatch(/^403 /)
      expect(statusOf(s, 1)).toBe('waiting/')
      expect(statusOf(s, 2)).toBe('in_progress/')
    })
  })

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

  describe('when a dry run', () => {
    it('should send no POST, and plan exactly what the real run does', async () => {
      const world = deployScenario(
        deployRepository([
          waitingRun(['staging', 'production'], { id: 1, created_at: minutesAgo(3) }),
          waitingRun(['staging', 'audit'], { id: 2, created_at: minutesAgo(6) }),
          waitingRun(['staging'], { id: 3, created_at: minutesAgo(9) }),
          waitingRun(['production'], { id: 4, created_at: minutesAgo(12) })
        ])
      )
      const inputs = { operation: 'review-deployments', environments: 'staging, audit', limit: '2' }
      const dry = await simulate(structuredClone(world))
      const planned = await runAction({
        apiUrl: dry.url,
        token: 'ghp_rita',
        with: { ...inputs, 'dry-run': 'true' }
      })
      expect(writes(dry)).toEqual([])
      expect([1, 2, 3, 4].map(id => stillPending(dry, id))).toEqual([
        ['staging', 'production'],
        ['staging', 'audit'],
        ['staging'],
        ['production']
      ])
      expect(planned.summary).toContain('dry run')
      await dry.close()

      const real = await simulate(structuredClone(world))
      const done = await runAction({ apiUrl: real.url, token: 'ghp_rita', with: inputs })
      const shape = (r: { id: unknown; action: string; outcome: string; reason: string }): string =>
        `${String(r.id)}:${r.action}:${r.outcome}:${r.reason}`
      expect(planned.result.map(shape)).toEqual(
        done.result.map(shape).map(s => s.replace(':done:', ':planned:'))
      )
      // One entry per run: run 2's says both what was reviewed and what is left. Only run 3, which
      // would be reviewed, is past the limit; run 4 keeps its own reason.
      expect(done.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'approved staging'],
        [
          2,
          'done',
          "approved staging; audit: the token may not approve (required reviewers: carol); pass a required reviewer's token in `github-token` (GITHUB_TOKEN cannot review)"
        ],
        [3, 'skipped', 'limit reached'],
        [
          4,
          'skipped',
          'waiting on production, which `environments` (staging, audit) does not match'
        ]
      ])
      expect(planned.outputs['run-ids']).toBe(done.outputs['run-ids'])
      expect(planned.outputs.count).toBe(done.outputs.count)
      expect(reviewCalls(real)).toBe(2)
      // Past the limit each run's pending deployments are still read, to tell whether it would be
      // reviewed; its review history is not.
      const reads = (sim: Simulator, operationId: string): number =>
        sim.requestCount({ operationId })
      for (const sim of [dry, real]) {
        expect(reads(sim, 'actions/get-pending-deployments-for-run')).toBe(4)
        expect(reads(sim, 'actions/get-reviews-for-run')).toBe(1)
      }
    })
  })
})
