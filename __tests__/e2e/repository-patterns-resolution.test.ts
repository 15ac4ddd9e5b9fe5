/**
 * `repository` patterns and `exclude-repository` resolved: `'*'`, a person's account, a token of
 * unknown kind, patterns that match nothing or cannot be listed, the job summary of a sweep, and
 * the rate limit running out between repositories.
 */
import { describe, expect, it } from '@jest/globals'
import { repo, stalePair, SWEEPER, world } from '../../__fixtures__/repository-patterns.js'
import type { Scenario, ScenarioRepository, Simulator } from '../../simulator/index.js'
import { loggedRepositories } from '../lib/results.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { listingsOf, paths } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('repository patterns', () => {
  describe("'*'", () => {
    const everyone = (): ScenarioRepository[] => [
      repo('octo/tool'),
      repo('acme/web'),
      repo('alice/notes', [], { private: true }),
      repo('bob/vault', [], { private: true }),
      repo('acme/archive', [], { archived: true })
    ]

    it('should be every repository an installation was granted, across owners, by name', async () => {
      const s = await simulate(
        world(everyone(), {
          ghs_sweeper: {
            ...SWEEPER,
            repositories: ['octo/tool', 'acme/web', 'alice/notes', 'acme/archive']
          }
        })
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_sweeper',
        with: { operation: 'cancel-stale', repository: '*', 'dry-run': 'true' }
      })
      expect(result.exitCode).toBe(0)
      expect(loggedRepositories(result).slice(1, -1)).toEqual([
        '*: matched 4; 1 archived left out',
        'acme/web',
        'alice/notes',
        'octo/tool'
      ])
    })

    it("should be a person's own repositories and those it collaborates on", async () => {
      const s = await simulate(
        world(
          everyone(),
          {
            ghp_alice: {
              login: 'alice',
              kind: 'user',
              repositories: ['alice/notes', 'bob/vault', 'acme/web']
            }
          },
          { users: ['bob'] }
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_alice',
        with: { operation: 'cancel-stale', repository: '*', 'dry-run': 'true' }
      })
      expect(result.exitCode).toBe(0)
      expect(loggedRepositories(result).slice(2, -1)).toEqual([
        'acme/web',
        'alice/notes',
        'bob/vault'
      ])
      expect(s.requests[0]).toMatchObject({ path: '/user/repos', query: { per_page: '100' } })
    })
  })

  describe("patterns over a person's account", () => {
    const accounts = (): Scenario =>
      world(
        [
          repo('alice/blog'),
          repo('alice/notes', [], { private: true }),
          repo('bob/tool'),
          repo('bob/vault', [], { private: true }),
          repo('bob/diary', [], { private: true }),
          repo('acme/web')
        ],
        {
          ghp_alice: {
            login: 'alice',
            kind: 'user',
            repositories: ['alice/blog', 'alice/notes', 'bob/vault', 'acme/web']
          }
        },
        { users: ['bob'] }
      )

    it('should find its own private repositories through GET /user/repos', async () => {
      const s = await simulate(accounts())
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_alice',
        with: { operation: 'cancel-stale', repository: 'alice/*' }
      })
      expect(result.exitCode).toBe(0)
      expect(loggedRepositories(result).slice(2, -1)).toEqual(['alice/blog', 'alice/notes'])
      expect(s.requests.slice(0, 3).map(r => [r.path, r.status, r.query.affiliation])).toEqual([
        ['/orgs/alice/repos', 404, undefined],
        ['/user', 200, undefined],
        ['/user/repos', 200, 'owner']
      ])
    })

    it("should find another person's public repositories and the private ones it collaborates on", async () => {
      const s = await simulate(accounts())
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_alice',
        with: { operation: 'cancel-stale', repository: 'bob/*' }
      })
      expect(result.exitCode).toBe(0)
      expect(loggedRepositories(result).slice(2, -1)).toEqual(['bob/tool', 'bob/vault'])
      expect(s.requests.slice(0, 4).map(r => [r.path, r.query.affiliation])).toEqual([
        ['/orgs/bob/repos', undefined],
        ['/user', undefined],
        ['/users/bob/repos', undefined],
        ['/user/repos', 'collaborator']
      ])
    })
  })

  describe('a token whose kind its prefix does not tell', () => {
    it('should ask GET /installation/repositories, and go on with the listings of a person when refused', async () => {
      const s = await simulate(
        world([repo('acme/web'), repo('acme/api')], {
          'token-of-dana': { login: 'dana', kind: 'user' },
          'token-of-app': { ...SWEEPER, repositories: ['acme/api'] }
        })
      )
      const asPerson = await runAction({
        apiUrl: s.url,
        token: 'token-of-dana',
        with: { operation: 'cancel-stale', repository: 'acme/*' }
      })
      expect(asPerson.exitCode).toBe(0)
      expect(loggedRepositories(asPerson).slice(2, -1)).toEqual(['acme/api', 'acme/web'])
      expect(s.requests.slice(0, 2).map(r => [r.path, r.status])).toEqual([
        ['/installation/repositories', 403],
        ['/orgs/acme/repos', 200]
      ])
      s.requests.length = 0
      const asApp = await runAction({
        apiUrl: s.url,
        token: 'token-of-app',
        with: { operation: 'cancel-stale', repository: 'acme/*' }
      })
      expect(loggedRepositories(asApp).slice(2, -1)).toEqual(['acme/api'])
      expect(paths(s)).toEqual([
        'GET /installation/repositories',
        'GET /repos/acme/api/actions/runs'
      ])
    })
  })

  describe('when a pattern matches nothing', () => {
    it("should warn naming the entry and the token's reach, and succeed with nothing done", async () => {
      const s = await simulate(
        world([repo('acme/web'), repo('acme/api'), repo('acme/old', [], { archived: true })])
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', repository: 'acme/nothing-*, acme/old*' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.stdout).toContain(
        "::warning::repository entry 'acme/nothing-*' matches none of the 3 repositories this installation token was granted; nothing to do for it."
      )
      expect(result.stdout).toContain(
        "::warning::repository entry 'acme/old*' matches none of the 3 repositories this installation token was granted (1 archived left out); nothing to do for it."
      )
      expect(result.result).toEqual([])
      expect(result.outputs.count).toBe('0')
      expect(paths(s)).toEqual(['GET /installation/repositories'])
      expect(result.summary).toContain('0 repositories processed')
    })

    it('should name an owner the token cannot see at all', async () => {
      const s = await simulate(
        world([repo('acme/web')], { ghp_alice: { login: 'alice', kind: 'user' } })
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_alice',
        with: { operation: 'cancel-stale', repository: 'nobody/*' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.stdout).toContain(
        "::warning::repository entry 'nobody/*' matches none of the repositories of nobody: no organization or user of that name is visible to this token; nothing to do for it."
      )
    })
  })

  describe('when exclude-repository removes named repositories', () => {
    it('should never touch them, without a listing of repositories', async () => {
      const s = await simulate(
        world([
          repo('acme/web', stalePair('acme', 'web', 10)),
          repo('acme/api', stalePair('acme', 'api', 20))
        ])
      )
      const result = await runAction({
        apiUrl: s.url,
        with: {
          operation: 'cancel-stale',
          repository: 'acme/web, acme/api',
          'exclude-repository': 'acme/A*'
        }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.id, r.outcome])).toEqual([
        ['acme/web', 10, 'done']
      ])
      expect(paths(s)).toEqual([
        'GET /repos/acme/web/actions/runs',
        'POST /repos/acme/web/actions/runs/10/cancel'
      ])
    })
  })

  describe('when a pattern cannot be listed', () => {
    it('should report the entry failed and process the other entries', async () => {
      const s = await simulate(
        world(
          [
            repo('acme/web', stalePair('acme', 'web', 10)),
            repo('octo/tool', stalePair('octo', 'tool', 20))
          ],
          {
            ghp_alice: { login: 'alice', kind: 'user' }
          }
        )
      )
      s.faults.add({ path: '/orgs/octo/repos', kind: 'status', status: 403, times: 1 })
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_alice',
        with: { operation: 'cancel-stale', repository: 'octo/*, acme/web' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.repository, r.kind, r.id, r.outcome])).toEqual([
        ['octo/*', 'repository', 'octo/*', 'failed'],
        ['acme/web', 'run', 10, 'done']
      ])
      expect(result.result[0]?.reason).toMatch(
        /^403 .*: the token cannot list these repositories \(it needs `metadata: read` on them\)$/
      )
    })
  })

  describe('the job summary of a sweep', () => {
    it('should collapse each repository with targets, and those with nothing to do, when there are many', async () => {
      const busy = Array.from({ length: 12 }, (_, i) =>
        repo(
          `acme/svc-${String(i).padStart(2, '0')}`,
          stalePair('acme', `svc-${String(i).padStart(2, '0')}`, 100 + 10 * i)
        )
      )
      const quiet = Array.from({ length: 11 }, (_, i) =>
        repo(`acme/quiet-${String(i).padStart(2, '0')}`)
      )
      const s = await simulate(world([...busy, ...quiet]))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', repository: 'acme/*', 'dry-run': 'true' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.summary).toContain(
        '23 repositories processed**: 12 with targets, 11 with nothing to do'
      )
      expect(result.summary).toContain('<details><summary>acme/svc-00: 1 planned</summary>')
      expect(result.summary.match(/<details>/g)).toHaveLength(13)
      expect(result.summary).toContain(
        '<details><summary>11 repositories with nothing to do</summary>'
      )
      expect(result.summary).toContain('acme/quiet-00, acme/quiet-01')
    })
  })

  describe('when the rate limit runs out between repositories', () => {
    const limited = async (): Promise<{ s: Simulator; result: ActionRun; reset: Date }> => {
      const s = await simulate(
        world([repo('acme/api', stalePair('acme', 'api', 10)), repo('acme/docs'), repo('acme/web')])
      )
      const bucket = s.state.rateLimits.ghs_write
      if (!bucket) throw new Error('the scenario has no rate-limit bucket for ghs_write')
      // The installation's listing, acme/api's listing and its cancel: then nothing is left.
      bucket.remaining = 3
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'cancel-stale', repository: 'acme/*' }
      })
      return { s, result, reset: new Date(bucket.reset * 1000) }
    }

    it('should warn before the first listing that the sweep will not fit, with both figures', async () => {
      const { result } = await limited()
      expect(result.stdout).toContain(
        '::warning::This sweep needs at least 3 API requests (3 repositories × 1), but the rate limit has 2 left until'
      )
      expect(result.result[0]).toMatchObject({ repository: 'acme/api', id: 10, outcome: 'done' })
      expect(result.result.filter(r => r.outcome === 'done')).toHaveLength(1)
    })

    // The mutation boundary's stop rule reports every repository not reached as skipped, with the
    // reset time, and the step does not fail for it. Until that rule covers listings, a listing
    // refused for the spent rate limit is reported as a failed repository.
    it('should report the repositories not reached skipped with the reset time, and succeed', async () => {
      const { s, result, reset } = await limited()
      expect(result.exitCode).toBe(0)
      const hhmm = reset.toISOString().slice(11, 16)
      const notReached = result.result.filter(r => r.kind === 'repository')
      expect(notReached.map(r => [r.id, r.outcome])).toEqual([
        ['acme/docs', 'skipped'],
        ['acme/web', 'skipped']
      ])
      for (const entry of notReached) {
        expect(entry.reason).toMatch(new RegExp(`${reset.toISOString()}|${hhmm}`))
      }
      expect(listingsOf(s, 'acme/web')).toBe(0)
    })
  })
})
