/**
 * review-deployments reviewing runs that wait on environments, found by a scan or named by a
 * `workflow_run` event: which environments it reviews (and why it leaves the others), approved or
 * rejected, the limit, a review whose answer is lost, filters, a run whose pending deployments
 * cannot be read, and a dry run.
 */
import { describe, expect, it } from '@jest/globals'
import {
  deployRepository,
  deployScenario,
  waitingRun
} from '../../__fixtures__/review-deployments.js'
import { minutesAgo, run } from '../../__fixtures__/scenario.js'
import { type Simulator } from '../../simulator/index.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { reviewCalls, reviews, statusOf, stillPending, writes } from '../lib/world.js'

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
