/**
 * `repository` patterns and `exclude-repository`, end to end: each operation over `acme/*`-style
 * patterns, every way a token resolves them, archived and excluded repositories, patterns that
 * match nothing, the job summary of a sweep, and the rate limit running out between repositories.
 */
import { describe, expect, it } from '@jest/globals'
import { forkPull, forkRun, withPulls } from '../../__fixtures__/approve-fork-runs.js'
import { artifact, cache, completedRun } from '../../__fixtures__/clean-up.js'
import { failedRun } from '../../__fixtures__/rerun-failed.js'
import { repo, stalePair, SWEEPER, world } from '../../__fixtures__/repository-patterns.js'
import {
  deployRepository,
  deployScenario,
  waitingRun
} from '../../__fixtures__/review-deployments.js'
import { repositoryValues, ROTATOR_TOKEN, secret } from '../../__fixtures__/rotate-secrets.js'
import type { Scenario, ScenarioRepository, Simulator } from '../../simulator/index.js'
import { loggedRepositories } from '../lib/results.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { listingsOf, paths, runOf } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('repository patterns', () => {
  describe('cancel-stale over acme/* with an installation token', () => {
    it('should resolve the granted repositories once, leave out archived and excluded ones, and list each quiet one with one request', async () => {
      const s = await simulate(
        world(
          [
            repo('acme/web'),
            repo('acme/api', stalePair('acme', 'api', 10)),
            repo('acme/docs'),
            repo('acme/old', stalePair('acme', 'old', 20), { archived: true }),
            repo('acme/sandbox', stalePair('acme', 'sandbox', 30)),
            repo('acme/private-infra', [], { private: true }),
            repo('octo/tool', stalePair('octo', 'tool', 40))
          ],
          {
            ghs_sweeper: {
              ...SWEEPER,
              repositories: [
                'acme/web',
                'acme/api',
                'acme/docs',
                'acme/old',
                'acme/sandbox',
                'octo/tool'
              ]
            }
          }
        )
      )
      const result = await runAction({
        bundle: true,
        apiUrl: s.url,
        token: 'ghs_sweeper',
        with: {
          operation: 'cancel-stale',
          repository: 'acme/*',
          'exclude-repository': '*/sandbox'
        }
      })
      expect(result.exitCode).toBe(0)
      expect(loggedRepositories(result)).toEqual([
        '::group::Repositories: 3',
        'acme/*: matched 5; 1 archived left out; excluded acme/sandbox (*/sandbox)',
        'acme/api',
        'acme/docs',
        'acme/web',
        '::endgroup::'
      ])
      expect(result.result.map(r => [r.repository, r.id, r.action, r.outcome])).toEqual([
        ['acme/api', 10, 'cancel', 'done']
      ])
      // One listing of what the installation was granted, then one request per quiet repository.
      expect(paths(s)).toEqual([
        'GET /installation/repositories',
        'GET /repos/acme/api/actions/runs',
        'POST /repos/acme/api/actions/runs/10/cancel',
        'GET /repos/acme/docs/actions/runs',
        'GET /repos/acme/web/actions/runs'
      ])
      expect(result.summary).toContain(
        '3 repositories processed**: 1 with targets, 2 with nothing to do'
      )
      expect(result.summary).toContain('acme/api: 1 done')
      expect(result.summary).toContain('2 repositories with nothing to do: acme/docs, acme/web')
    })
  })

  describe('rerun-failed over acme/web-* with a person token', () => {
    it("should list the organization's repositories and re-run the failed runs of the matching ones", async () => {
      const s = await simulate(
        world(
          [
            repo('acme/web-app', [failedRun({ id: 1, head_repository: 'acme/web-app' })]),
            repo('acme/Web-Site', [failedRun({ id: 2, head_repository: 'acme/Web-Site' })]),
            repo('acme/web-quiet'),
            repo('acme/api', [failedRun({ id: 3, head_repository: 'acme/api' })])
          ],
          { ghp_alice: { login: 'alice', kind: 'user' } }
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_alice',
        with: { operation: 'rerun-failed', repository: 'acme/web-*' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.id, r.outcome])).toEqual([
        ['acme/web-app', 1, 'done'],
        ['acme/Web-Site', 2, 'done']
      ])
      expect(runOf(s, 3, 'acme/api').run_attempt).toBe(1)
      // A person's token (ghp_) is no installation's: the organization's listing serves it.
      expect(s.requests[0]).toMatchObject({
        path: '/orgs/acme/repos',
        query: { type: 'all', per_page: '100' }
      })
      expect(s.requestCount({ operationId: 'apps/list-repos-accessible-to-installation' })).toBe(0)
      // Every run since lookback fits on one page: one listing per repository, with work or not.
      expect(
        ['acme/web-app', 'acme/Web-Site', 'acme/web-quiet', 'acme/api'].map(name =>
          listingsOf(s, name)
        )
      ).toEqual([1, 1, 1, 0])
    })
  })

  describe('approve-fork-runs over acme/*', () => {
    it('should approve the safe fork run of the repository that has one, one listing each', async () => {
      const waiting = forkRun({ id: 70, head_repository: 'mallory/web' })
      const s = await simulate(
        world(
          [
            withPulls(repo('acme/web', [waiting]), [forkPull()]),
            repo('acme/api'),
            repo('acme/docs')
          ],
          { ghs_sweeper: SWEEPER }
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_sweeper',
        with: { operation: 'approve-fork-runs', repository: 'acme/*' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.id, r.action, r.outcome])).toEqual([
        ['acme/web', 70, 'approve', 'done']
      ])
      expect(['acme/api', 'acme/docs', 'acme/web'].map(name => listingsOf(s, name))).toEqual([
        1, 1, 1
      ])
    })
  })

  describe.each([
    ['delete-runs', 'run', 80],
    ['delete-artifacts', 'artifact', 81],
    ['delete-caches', 'cache', 82]
  ])('%s over acme/*', (operation, kind, target) => {
    it('should delete what is old in the repository that has it, and nothing elsewhere', async () => {
      // acme/web holds an old run (kept back by no newer one: keep-latest 0), its artifact and an
      // old cache; acme/api and acme/docs only things of today.
      const web = repo('acme/web', [completedRun(40, { id: 80, head_repository: 'acme/web' })])
      web.artifacts = [artifact({ id: 80 }, 'build', 40, { id: 81 })]
      web.caches = [cache('Linux-node-a', 'refs/heads/main', 40, { id: 82 })]
      const fresh = (name: string, id: number): ScenarioRepository => {
        const other = repo(name, [completedRun(0, { id, head_repository: name })])
        other.artifacts = [artifact({ id }, 'build', 0, { id: id + 1 })]
        other.caches = [cache('Linux-node-b', 'refs/heads/main', 0, { id: id + 2 })]
        return other
      }
      const s = await simulate(
        world([web, fresh('acme/api', 90), fresh('acme/docs', 95)], { ghs_sweeper: SWEEPER })
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_sweeper',
        with: { operation, repository: 'acme/*', 'older-than': '30d', 'keep-latest': '0' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.kind, r.id, r.outcome])).toEqual([
        ['acme/web', kind, target, 'done']
      ])
      expect(s.requests.filter(r => r.method === 'DELETE').map(r => r.path)).toHaveLength(1)
    })
  })

  describe('review-deployments over acme/*', () => {
    it("should review the waiting run of the repository that has one, with a reviewer's token", async () => {
      const s = await simulate(
        deployScenario(
          deployRepository([waitingRun(['staging'], { id: 80, head_repository: 'acme/web' })], {
            fullName: 'acme/web',
            id: 301
          }),
          deployRepository([], { fullName: 'acme/api', id: 302 })
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghp_rita',
        with: { operation: 'review-deployments', repository: 'acme/*' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.id, r.action, r.outcome])).toEqual([
        ['acme/web', 80, 'review', 'done']
      ])
      expect(s.requests[0]?.path).toBe('/orgs/acme/repos')
      expect(['acme/api', 'acme/web'].map(name => listingsOf(s, name))).toEqual([1, 1])
    })
  })

  describe('rotate-secrets over acme/svc-*', () => {
    it('should write the secrets into the matching repositories only', async () => {
      const svc = (name: string): ScenarioRepository => {
        const r = repo(`acme/${name}`)
        r.secrets = [secret('NPM_TOKEN')]
        return r
      }
      const s = await simulate(
        world([svc('svc-a'), svc('svc-b'), svc('web')], {
          [ROTATOR_TOKEN]: {
            login: 'rotator[bot]',
            kind: 'app',
            permissions: { secrets: 'write', metadata: 'read' }
          }
        })
      )
      const result = await runAction({
        apiUrl: s.url,
        token: ROTATOR_TOKEN,
        with: {
          operation: 'rotate-secrets',
          repository: 'acme/svc-*',
          secrets: 'NPM_TOKEN',
          value: 'a-new-npm-token-value'
        }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.id, r.outcome])).toEqual([
        ['acme/svc-a', 'NPM_TOKEN', 'done'],
        ['acme/svc-b', 'NPM_TOKEN', 'done']
      ])
      expect(repositoryValues(s, 'acme/svc-a')).toEqual({ NPM_TOKEN: 'a-new-npm-token-value' })
      expect(repositoryValues(s, 'acme/svc-b')).toEqual({ NPM_TOKEN: 'a-new-npm-token-value' })
      expect(repositoryValues(s, 'acme/web')).toEqual({ NPM_TOKEN: 'old-value' })
    })
  })

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
