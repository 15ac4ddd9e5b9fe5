/**
 * `repository` patterns end to end, operation by operation: each operation over `acme/*`-style
 * patterns, with the token that resolves them, archived and excluded repositories.
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
import type { ScenarioRepository } from '../../simulator/index.js'
import { loggedRepositories } from '../lib/results.js'
import { runAction } from '../lib/run-action.js'
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
})
