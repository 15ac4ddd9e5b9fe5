/**
 * cancel-stale choosing the stale runs: a push's own group, run-id, actor, keep-latest,
 * stale-after, the limit, forks with our branch names, more than 1,000 active runs, and every
 * active status.
 */
import { describe, expect, it } from '@jest/globals'
import { minutesAgo, repository, run, scenario } from '../../__fixtures__/scenario.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { cancels, statusOf } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('cancel-stale', () => {
  describe('when triggered by a push, filtered to its own group', () => {
    it('should cancel the older runs of that group only, never the run it runs in', async () => {
      // The step runs in run 2, which run 3 (a later push) superseded: it must not cancel itself.
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(30) }),
            run({ id: 2, created_at: minutesAgo(20), status: 'queued' }),
            run({ id: 3, created_at: minutesAgo(1) }),
            run({ id: 4, created_at: minutesAgo(25), head_branch: 'feature/a' }),
            run({ id: 5, created_at: minutesAgo(5), head_branch: 'feature/a' })
          ])
        )
      )
      const result = await runAction({
        bundle: true,
        apiUrl: s.url,
        runId: 2,
        event: { name: 'push', payload: { ref: 'refs/heads/main' } },
        with: { operation: 'cancel-stale', workflow: 'ci.yml', branch: 'main', event: 'push' }
      })
      expect(result.exitCode).toBe(0)
      expect([1, 2, 3, 4, 5].map(id => statusOf(s, id))).toEqual([
        'completed/cancelled',
        'queued/',
        'in_progress/',
        'in_progress/',
        'in_progress/'
      ])
      expect(result.result.map(r => [r.id, r.action, r.outcome, r.reason])).toEqual([
        [1, 'cancel', 'done', 'superseded by run 3']
      ])
      expect(s.requests.filter(r => r.path === '/repos/acme/web/actions/runs/2/cancel')).toEqual([])
      expect(result.outputs).toMatchObject({ count: '1', 'run-ids': '1' })
      expect(result.result[0]?.url).toBe('https://github.com/acme/web/actions/runs/1')
      expect(result.summary).toContain('<a href="https://github.com/acme/web/actions/runs/1">1</a>')
    })
  })

  describe('when run-id names one run', () => {
    const world = (): ReturnType<typeof scenario> =>
      scenario(
        repository('acme/web', [
          run({ id: 1, created_at: minutesAgo(30) }),
          run({ id: 2, created_at: minutesAgo(3) }),
          run({ id: 3, created_at: minutesAgo(40), head_branch: 'release/1' }),
          run({ id: 4, created_at: minutesAgo(4), head_branch: 'release/1' }),
          run({ id: 5, created_at: minutesAgo(50), head_branch: 'feature/b' }),
          run({ id: 6, created_at: minutesAgo(5), head_branch: 'feature/b' })
        ])
      )

    it('should judge it against the other active runs of its group, and cancel it alone', async () => {
      const s = await simulate(world())
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', 'run-id': '1' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'superseded by run 2']
      ])
      expect([1, 2, 3, 4, 5, 6].map(id => statusOf(s, id))).toEqual([
        'completed/cancelled',
        'in_progress/',
        'in_progress/',
        'in_progress/',
        'in_progress/',
        'in_progress/'
      ])
      expect(cancels(s)).toBe(1)
    })

    it('should leave it alone when it is the newest of its group', async () => {
      const s = await simulate(world())
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', 'run-id': '2' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result).toEqual([])
      expect(cancels(s)).toBe(0)
    })

    it('should still never touch it when exclude-branch matches its branch', async () => {
      const s = await simulate(world())
      const result = await runAction({
        apiUrl: s.url,
        with: {
          operation: 'cancel-stale',
          'run-id': '3',
          'exclude-branch': 'release/**',
          'stale-after': '35m'
        }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result).toEqual([])
      expect(cancels(s)).toBe(0)
      expect(statusOf(s, 3)).toBe('in_progress/')
    })

    it('should still apply the branch filter to it', async () => {
      const s = await simulate(world())
      const result = await runAction({
        apiUrl: s.url,
        with: {
          operation: 'cancel-stale',
          'run-id': '5',
          branch: 'release/*',
          'stale-after': '35m'
        }
      })
      expect(result.result).toEqual([])
      expect(cancels(s)).toBe(0)
      expect(statusOf(s, 5)).toBe('in_progress/')
    })
  })

  describe('when actor picks the runs of one actor', () => {
    it("should cancel that actor's runs superseded by anyone's newer run, and no one else's", async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            // main: dependabot's run, then a newer one by alice.
            run({ id: 1, created_at: minutesAgo(30), actor: 'dependabot[bot]' }),
            run({ id: 2, created_at: minutesAgo(3) }),
            // deps/x: alice's run, then a newer one by dependabot.
            run({ id: 3, created_at: minutesAgo(40), head_branch: 'deps/x' }),
            run({
              id: 4,
              created_at: minutesAgo(4),
              head_branch: 'deps/x',
              actor: 'dependabot[bot]'
            }),
            // deps/y: two by dependabot.
            run({
              id: 5,
              created_at: minutesAgo(50),
              head_branch: 'deps/y',
              actor: 'dependabot[bot]'
            }),
            run({
              id: 6,
              created_at: minutesAgo(5),
              head_branch: 'deps/y',
              actor: 'dependabot[bot]'
            })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', actor: 'dependabot[bot]' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [5, 'done', 'superseded by run 6'],
        [1, 'done', 'superseded by run 2']
      ])
      expect([1, 2, 3, 4, 5, 6].map(id => statusOf(s, id))).toEqual([
        'completed/cancelled',
        'in_progress/',
        'in_progress/',
        'in_progress/',
        'completed/cancelled',
        'in_progress/'
      ])
    })
  })

  describe('when keep-latest is 2', () => {
    it('should keep the newest two of each group', async () => {
      const s = await simulate(
        scenario(
          repository(
            'acme/web',
            [1, 2, 3, 4].map(id => run({ id, created_at: minutesAgo(50 - id * 10) }))
          )
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', 'keep-latest': '2' }
      })
      expect(result.result.map(r => r.id)).toEqual([1, 2])
      expect([1, 2, 3, 4].map(id => statusOf(s, id))).toEqual([
        'completed/cancelled',
        'completed/cancelled',
        'in_progress/',
        'in_progress/'
      ])
    })
  })

  describe('when stale-after is set', () => {
    it('should cancel old runs even when they are alone in their group', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(8 * 60), head_branch: 'release/1' }),
            run({ id: 2, created_at: minutesAgo(60), head_branch: 'release/2' })
          ])
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', 'stale-after': '6h' }
      })
      expect(result.result.map(r => [r.id, r.reason])).toEqual([[1, 'older than 6h']])
      expect(statusOf(s, 1)).toBe('completed/cancelled')
      expect(statusOf(s, 2)).toBe('in_progress/')
    })
  })

  describe('when limit is lower than the stale runs', () => {
    it('should cancel up to the limit and report the rest as skipped', async () => {
      const s = await simulate(
        scenario(
          repository(
            'acme/web',
            [1, 2, 3, 4, 5].map(id => run({ id, created_at: minutesAgo(60 - id) }))
          )
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', limit: '2' }
      })
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'superseded by run 5'],
        [2, 'done', 'superseded by run 5'],
        [3, 'skipped', 'limit reached'],
        [4, 'skipped', 'limit reached']
      ])
      expect(cancels(s)).toBe(2)
      expect([3, 4].map(id => statusOf(s, id))).toEqual(['in_progress/', 'in_progress/'])
      // The hint to raise the limit is given once, not per skipped run.
      expect(result.stdout.match(/^::warning::.*`limit` input \(now 2\)/gm)).toHaveLength(1)
    })
  })

  describe('when a fork has a branch named like ours', () => {
    it('should not let the fork run supersede ours, nor ours the fork', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({
              id: 1,
              created_at: minutesAgo(30),
              event: 'pull_request',
              head_branch: 'main',
              head_repository: 'acme/web'
            }),
            run({
              id: 2,
              created_at: minutesAgo(5),
              event: 'pull_request',
              head_branch: 'main',
              head_repository: 'mallory/web',
              actor: 'mallory'
            })
          ])
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'cancel-stale' } })
      expect(result.result).toEqual([])
      expect(cancels(s)).toBe(0)
      expect(result.summary).toContain('No targets matched')
    })
  })

  describe('when more than 1,000 runs are active', () => {
    it('should find runs past the listing cap, at close to the minimum number of requests', async () => {
      // 1,205 active runs, each alone in its group; only the 5 oldest (beyond the newest 1,000) are stale.
      const runs = Array.from({ length: 1205 }, (_, i) =>
        run({
          id: 10_000 + i,
          head_branch: `topic/${i}`,
          created_at: minutesAgo(i < 5 ? 600 - i : 300 - i / 10)
        })
      )
      const s = await simulate(scenario(repository('acme/web', runs)))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', 'stale-after': '6h' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => r.id)).toEqual([10_000, 10_001, 10_002, 10_003, 10_004])
      const active = s.state.repositories[0]?.runs.filter(r => r.status !== 'completed') ?? []
      expect(active).toHaveLength(1200)
      // Minimum: 13 pages of in_progress, one page for each other active status, 5 cancels; the
      // cap costs one extra page (the listing restarts below the oldest run seen).
      const lists = s.requestCount({ operationId: 'actions/list-workflow-runs-for-repo' })
      expect(lists).toBeLessThanOrEqual(13 + 4 + 1)
      expect(cancels(s)).toBe(5)
      // Nothing else: a read per run (or per stale run) would show here.
      expect(s.requests.length).toBeLessThanOrEqual(13 + 4 + 1 + 5)
      expect(result.stdout).toContain('more than GitHub lists at once')
    })
  })

  describe('when stale runs are pending or requested', () => {
    it('should list and cancel them like the other active statuses', async () => {
      const s = await simulate(
        scenario(
          repository('acme/web', [
            run({ id: 1, created_at: minutesAgo(30), status: 'pending' }),
            run({ id: 2, created_at: minutesAgo(20), status: 'requested' }),
            run({ id: 3, created_at: minutesAgo(15), status: 'waiting' }),
            run({ id: 4, created_at: minutesAgo(2), status: 'requested' })
          ])
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'cancel-stale' } })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'superseded by run 4'],
        [2, 'done', 'superseded by run 4'],
        [3, 'done', 'superseded by run 4']
      ])
      expect([1, 2, 3, 4].map(id => statusOf(s, id))).toEqual([
        'completed/cancelled',
        'completed/cancelled',
        'completed/cancelled',
        'requested/'
      ])
    })
  })
})
