import { describe, expect, it } from '@jest/globals'
import { cache } from '../../__fixtures__/clean-up.js'
import { onArrival, repository, scenario } from '../../__fixtures__/scenario.js'
import type { Scenario, ScenarioCache, ScenarioPull, Simulator } from '../../simulator/index.js'
import { deleteCaches } from '../lib/operations.js'
import { outcomes } from '../lib/results.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()
const MiB = 1024 ** 2

/**
 * acme/web's caches, by last access: 1 (main, 20 days ago), 4 (pull request 6, open, 15), 3
 * (pull request 5, merged, 12), 7 (pull request 8, which does not exist, 11), 2 (pull request 5,
 * 10), 5 (pull request 7, closed, 9), 6 (feature/x, 2). 100 MiB each.
 */
function world(): Scenario {
  const caches: ScenarioCache[] = [
    cache('Linux-node-a', 'refs/heads/main', 20, { id: 1 }),
    cache('Linux-node-b', 'refs/pull/5/merge', 10, { id: 2 }),
    cache('Linux-pip-c', 'refs/pull/5/merge', 12, { id: 3 }),
    cache('Linux-node-d', 'refs/pull/6/merge', 15, { id: 4 }),
    cache('Windows-node-e', 'refs/pull/7/head', 9, { id: 5 }),
    cache('Linux-node-f', 'refs/heads/feature/x', 2, { id: 6 }),
    cache('Linux-node-g', 'refs/pull/8/merge', 11, { id: 7 })
  ]
  const pull = (number: number, state: 'open' | 'closed', merged = false): ScenarioPull => ({
    number,
    state,
    merged,
    user: 'alice',
    head: { ref: `feature/${number}`, sha: String(number).padStart(40, '0'), repo: 'acme/web' }
  })
  const web = repository('acme/web', [])
  web.caches = caches
  web.pulls = [pull(5, 'closed', true), pull(6, 'open'), pull(7, 'closed')]
  return scenario(web)
}

const cacheIds = (s: Simulator): number[] =>
  (s.state.repositories[0]?.caches ?? []).map(c => c.id).sort((a, b) => a - b)
const deletes = (s: Simulator): number =>
  s.requestCount({ operationId: 'actions/delete-actions-cache-by-id' })

describe('delete-caches', () => {
  describe('with older-than 7d', () => {
    it('should plan in a dry run what the real run deletes by id, least recently used first', async () => {
      const s = await simulate(world())
      const dry = await deleteCaches(s, { 'older-than': '7d', 'dry-run': 'true' })
      expect(dry.exitCode).toBe(0)
      expect(deletes(s)).toBe(0)
      const real = await deleteCaches(s, { 'older-than': '7d' }, true)
      expect(real.exitCode).toBe(0)
      expect(dry.result.map(r => [r.id, r.outcome])).toEqual(
        [1, 4, 3, 7, 2, 5].map(id => [id, 'planned'])
      )
      expect(outcomes(real)).toEqual(
        [
          [1, 20],
          [4, 15],
          [3, 12],
          [7, 11],
          [2, 10],
          [5, 9]
        ].map(([id, days]) => [id, 'done', `last accessed ${days}d ago, 100 MiB`])
      )
      expect(real.result[0]).toMatchObject({
        kind: 'cache',
        action: 'delete',
        url: 'https://github.com/acme/web/actions/caches'
      })
      expect(real.outputs['bytes-freed']).toBe(String(600 * MiB))
      expect(dry.outputs['bytes-freed']).toBe(String(600 * MiB))
      expect(real.summary).toContain('bytes freed: 600 MiB')
      expect(cacheIds(s)).toEqual([6])
      const listing = s.requests.filter(r => r.method === 'GET')
      expect(listing.map(r => r.query)).toEqual([
        { sort: 'last_accessed_at', direction: 'asc', per_page: '100' },
        { sort: 'last_accessed_at', direction: 'asc', per_page: '100' }
      ])
      expect(s.requests.filter(r => r.method === 'DELETE').map(r => r.path)).toEqual(
        [1, 4, 3, 7, 2, 5].map(id => `/repos/acme/web/actions/caches/${id}`)
      )
    })

    it('should narrow the listing by key prefix and literal ref', async () => {
      const s = await simulate(world())
      const result = await deleteCaches(s, {
        'older-than': '7d',
        'cache-key': 'Linux-node-*',
        'cache-ref': 'refs/heads/main'
      })
      expect(result.result.map(r => r.id)).toEqual([1])
      expect(s.requests[0]?.query).toMatchObject({ key: 'Linux-node-', ref: 'refs/heads/main' })
    })
  })

  describe('with closed-pull-requests', () => {
    it('should delete only caches of closed or merged pull requests, reading each once', async () => {
      const s = await simulate(world())
      const result = await deleteCaches(s, { 'older-than': '0s', 'closed-pull-requests': 'true' })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [7, 'skipped', 'pull request #8 not found'],
        [3, 'done', 'last accessed 12d ago, 100 MiB, pull request #5 merged'],
        [2, 'done', 'last accessed 10d ago, 100 MiB, pull request #5 merged'],
        [5, 'done', 'last accessed 9d ago, 100 MiB, pull request #7 closed']
      ])
      expect(
        s.requests.filter(r => r.operationId === 'pulls/get').map(r => r.path.split('/').pop())
      ).toEqual(['6', '5', '8', '7'])
      expect(cacheIds(s)).toEqual([1, 4, 6, 7])
      expect(result.outputs['bytes-freed']).toBe(String(300 * MiB))
    })

    it('should read no pull request whose caches the limit cannot reach', async () => {
      const s = await simulate(world())
      const result = await deleteCaches(s, {
        'older-than': '0s',
        'closed-pull-requests': 'true',
        limit: '1'
      })
      // The deletes first (cache 2, of pull request #5 too, past the limit), then the caches
      // whose pull requests were never read.
      expect(outcomes(result)).toEqual([
        [3, 'done', 'last accessed 12d ago, 100 MiB, pull request #5 merged'],
        [2, 'skipped', 'limit reached'],
        [7, 'skipped', 'limit reached'],
        [5, 'skipped', 'limit reached']
      ])
      expect(
        s.requests.filter(r => r.operationId === 'pulls/get').map(r => r.path.split('/').pop())
      ).toEqual(['6', '5'])
      expect(deletes(s)).toBe(1)
    })
  })

  describe('when a cache is gone before its DELETE', () => {
    it('should report it already deleted and not count its bytes', async () => {
      const s = await simulate(world())
      let removed = false
      onArrival(s, request => {
        if (removed || request.method !== 'DELETE') return
        removed = true
        const web = s.state.repositories[0]
        if (web?.caches) web.caches = web.caches.filter(c => c.id !== 4)
      })
      const result = await deleteCaches(s, { 'older-than': '14d' })
      expect(outcomes(result)).toEqual([
        [1, 'done', 'last accessed 20d ago, 100 MiB'],
        [4, 'skipped', 'already deleted']
      ])
      expect(result.outputs['bytes-freed']).toBe(String(100 * MiB))
    })
  })

  describe('when a repository holds more than 1,000 caches', () => {
    it('should read every page of the old ones and stop at the first page past the cut-off', async () => {
      const old = Array.from({ length: 640 }, (_, i) =>
        cache(`npm-${i}`, 'refs/heads/main', 10 + i / 20)
      )
      const fresh = Array.from({ length: 450 }, (_, i) =>
        cache(`pip-${i}`, 'refs/heads/main', i / 100)
      )
      const web = repository('acme/web', [])
      web.caches = [...fresh, ...old]
      const s = await simulate(scenario(web))
      const result = await deleteCaches(s, { 'older-than': '7d', 'dry-run': 'true', limit: '5000' })
      expect(result.result).toHaveLength(640)
      expect(new Set(result.result.map(r => r.id))).toEqual(new Set(old.map(c => c.id)))
      // Seven pages of 100 hold the 640 old caches and the first fresh ones; four more are not read.
      expect(s.requestCount({ operationId: 'actions/get-actions-cache-list' })).toBe(7)
    })
  })

  describe('when an input is bad', () => {
    it.each([
      [{}, /Input 'older-than': is required/],
      [{ 'older-than': '7d', 'cache-ref': '!refs/heads/main' }, /Input 'cache-ref'/],
      [{ 'older-than': '7d', branch: 'main' }, /Input 'branch': is not used by delete-caches/]
    ])('should fail before any request for %j', async (inputs, message) => {
      const s = await simulate(world())
      const result = await deleteCaches(s, inputs)
      expect(result.exitCode).not.toBe(0)
      expect(result.stdout).toMatch(message)
      expect(s.requests).toEqual([])
    })
  })
})
