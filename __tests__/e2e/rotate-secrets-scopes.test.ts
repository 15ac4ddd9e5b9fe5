/**
 * rotate-secrets writing secrets: repository, environment and organization scopes, names and
 * values, generated values, a dry run, and the API under /api/v3.
 */
import { describe, expect, it } from '@jest/globals'
import {
  environmentValues,
  orgSecret,
  repositoryValues,
  secret,
  secretsWorld,
  LAST_ROTATED
} from '../../__fixtures__/rotate-secrets.js'
import { rotate } from '../lib/operations.js'
import { expectNoLeak, resultLine } from '../lib/results.js'
import type { ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { puts } from '../lib/world.js'

const simulate = simulatorPerTest()

const shape = resultLine('repository', 'id', 'action', 'outcome', 'reason')

const VALUE = 'npm_7Hq2xV9kLp4Rz8Wm-rotated'

describe('rotate-secrets', () => {
  describe('when scope is repository, over two repositories', () => {
    it('should write the exact value of every name to both, created or updated, and never log it', async () => {
      const s = await simulate(secretsWorld({ web: [secret('NPM_TOKEN')] }))
      const run = await rotate(
        s,
        { repository: 'acme/web, acme/api', secrets: 'NPM_TOKEN\ndeploy_key', value: VALUE },
        { bundle: true, env: { RUNNER_DEBUG: '1' } }
      )
      expect(run.exitCode).toBe(0)
      const both = { NPM_TOKEN: VALUE, DEPLOY_KEY: VALUE }
      expect(repositoryValues(s, 'acme/web')).toEqual(both)
      expect(repositoryValues(s, 'acme/api')).toEqual(both)
      expect(run.result.map(shape)).toEqual([
        'acme/web NPM_TOKEN write-secret done updated',
        'acme/web DEPLOY_KEY write-secret done created',
        'acme/api NPM_TOKEN write-secret done created',
        'acme/api DEPLOY_KEY write-secret done created'
      ])
      expect(run.result[0]).toMatchObject({
        kind: 'secret',
        url: 'https://github.com/acme/web/settings/secrets/actions',
        app: 'actions'
      })
      expect(run.outputs.count).toBe('4')
      expect(run.outputs['generated-values']).toBeUndefined()
      expect(puts(s)).toBe(4)
      expect(run.stdout).toContain(`::add-mask::${VALUE}`)
      expect(run.summary).toContain('write-secret')
      expectNoLeak(run, [VALUE])
    })
  })

  describe('when names differ only in case', () => {
    it('should write one secret per scope, upper-cased, with one PUT each', async () => {
      const s = await simulate(secretsWorld({ web: [secret('NPM_TOKEN')] }))
      const run = await rotate(s, {
        repository: 'acme/web, acme/api',
        secrets: 'npm_token, NPM_TOKEN',
        value: VALUE
      })
      expect(run.exitCode).toBe(0)
      expect(s.requests.filter(r => r.method === 'PUT').map(r => r.path)).toEqual([
        '/repos/acme/web/actions/secrets/NPM_TOKEN',
        '/repos/acme/api/actions/secrets/NPM_TOKEN'
      ])
      expect(run.result.map(shape)).toEqual([
        'acme/web NPM_TOKEN write-secret done updated',
        'acme/api NPM_TOKEN write-secret done created'
      ])
      expect(repositoryValues(s, 'acme/api')).toEqual({ NPM_TOKEN: VALUE })
    })
  })

  describe('when the value is a PEM key with a trailing newline', () => {
    const PEM = [
      '-----BEGIN TEST PRIVATE KEY-----',
      'MC4CAQAwBQYDK2VwBCIEIG3vQz8rTg7nW1yJ5kLp2Xc9Vb4Hs6Mq0Ua8Rf3Zt1Ye',
      '-----END TEST PRIVATE KEY-----',
      ''
    ].join('\n')

    it('should store it exactly, newline included, and mask it whole and line by line', async () => {
      const s = await simulate(secretsWorld({ web: [secret('TLS_KEY')] }))
      const run = await rotate(s, { secrets: 'TLS_KEY', value: PEM })
      expect(run.exitCode).toBe(0)
      expect(repositoryValues(s, 'acme/web')).toEqual({ TLS_KEY: PEM })
      const masks = run.stdout.split('\n').filter(line => line.startsWith('::add-mask::'))
      expect(masks).toEqual(
        expect.arrayContaining([
          `::add-mask::${PEM.replace(/\n/g, '%0A')}`,
          ...PEM.split('\n')
            .filter(line => line !== '')
            .map(line => `::add-mask::${line}`)
        ])
      )
      expectNoLeak(
        run,
        PEM.split('\n').filter(line => line !== '')
      )
    })
  })

  describe('when scope is environment', () => {
    it('should write into the environment of each repository (name URL-encoded), not the repository', async () => {
      const s = await simulate(
        secretsWorld({
          environments: ['team/staging', 'production'],
          environmentSecrets: [secret('DEPLOY_KEY')]
        })
      )
      const run = await rotate(s, {
        repository: 'acme/web\nacme/api',
        secrets: 'DEPLOY_KEY, SENTRY_DSN',
        value: VALUE,
        scope: 'environment',
        environment: 'team/staging'
      })
      expect(run.exitCode).toBe(0)
      for (const repo of ['acme/web', 'acme/api']) {
        expect(environmentValues(s, repo, 'team/staging')).toEqual({
          DEPLOY_KEY: VALUE,
          SENTRY_DSN: VALUE
        })
        expect(environmentValues(s, repo, 'production')).toEqual({ DEPLOY_KEY: 'old-value' })
        expect(repositoryValues(s, repo)).toEqual({})
      }
      expect(run.result.map(r => `${r.repository} ${String(r.id)} ${r.reason}`)).toEqual([
        'acme/web DEPLOY_KEY updated',
        'acme/web SENTRY_DSN created',
        'acme/api DEPLOY_KEY updated',
        'acme/api SENTRY_DSN created'
      ])
      expect(run.result[0]?.url).toMatch(
        /^https:\/\/github\.com\/acme\/web\/settings\/environments\/\d+\/edit$/
      )
      expect(s.requests.filter(r => r.method === 'PUT').map(r => r.path)).toContain(
        '/repos/acme/web/environments/team%2Fstaging/secrets/DEPLOY_KEY'
      )
      expectNoLeak(run, [VALUE])
    })
  })

  describe('when scope is organization and visibility is left empty', () => {
    it('should keep all 150 selected repositories of an existing secret and make a new one private', async () => {
      const selected = Array.from({ length: 150 }, (_, i) => 1000 + i)
      const s = await simulate(
        secretsWorld({
          orgRepositories: 150,
          orgSecrets: [
            { ...secret('SHARED_KEY'), visibility: 'selected', selected_repository_ids: selected }
          ]
        })
      )
      const run = await rotate(s, {
        secrets: 'SHARED_KEY, NEW_ORG_KEY',
        value: VALUE,
        scope: 'organization'
      })
      expect(run.exitCode).toBe(0)
      expect(orgSecret(s, 'SHARED_KEY')).toMatchObject({
        value: VALUE,
        visibility: 'selected',
        selected_repository_ids: selected
      })
      expect(orgSecret(s, 'NEW_ORG_KEY')).toMatchObject({ value: VALUE, visibility: 'private' })
      expect(run.result.map(shape)).toEqual([
        'acme SHARED_KEY write-secret done updated',
        'acme NEW_ORG_KEY write-secret done created'
      ])
      expect(run.result[0]?.url).toBe(
        'https://github.com/organizations/acme/settings/secrets/actions'
      )
      // 150 selected repositories are two pages of 100: both were read.
      expect(s.requestCount({ operationId: 'actions/list-selected-repos-for-org-secret' })).toBe(2)
      expect(puts(s)).toBe(2)
      expectNoLeak(run, [VALUE])
    })
  })

  describe('when scope is organization with visibility all', () => {
    it('should change a selected secret to all', async () => {
      const s = await simulate(
        secretsWorld({
          orgRepositories: 3,
          orgSecrets: [
            { ...secret('SHARED_KEY'), visibility: 'selected', selected_repository_ids: [1000] }
          ]
        })
      )
      const run = await rotate(s, {
        secrets: 'SHARED_KEY',
        value: VALUE,
        scope: 'organization',
        visibility: 'all'
      })
      expect(run.exitCode).toBe(0)
      const stored = orgSecret(s, 'SHARED_KEY')
      expect(stored).toMatchObject({ value: VALUE, visibility: 'all' })
      expect(stored?.selected_repository_ids).toBeUndefined()
      expect(s.requestCount({ operationId: 'actions/list-selected-repos-for-org-secret' })).toBe(0)
    })
  })

  describe('when scope is organization with visibility selected', () => {
    it('should resolve the repository names to ids and share the secret with exactly those', async () => {
      const s = await simulate(secretsWorld({ orgRepositories: 10 }))
      const run = await rotate(s, {
        secrets: 'SHARED_KEY',
        value: VALUE,
        scope: 'organization',
        organization: 'acme',
        visibility: 'selected',
        'selected-repositories': 'svc-3, svc-7'
      })
      expect(run.exitCode).toBe(0)
      expect(orgSecret(s, 'SHARED_KEY')).toMatchObject({
        visibility: 'selected',
        selected_repository_ids: [1003, 1007]
      })
      expect(run.result[0]?.reason).toBe('created')
    })

    it('should look up and send each repository once when names repeat', async () => {
      const s = await simulate(secretsWorld({ orgRepositories: 10 }))
      const run = await rotate(s, {
        secrets: 'SHARED_KEY',
        value: VALUE,
        scope: 'organization',
        visibility: 'selected',
        'selected-repositories': 'svc-3, svc-7\nSVC-3, svc-3'
      })
      expect(run.exitCode).toBe(0)
      expect(orgSecret(s, 'SHARED_KEY')?.selected_repository_ids).toEqual([1003, 1007])
      expect(s.requests.filter(r => r.operationId === 'repos/get').map(r => r.path)).toEqual([
        '/repos/acme/svc-3',
        '/repos/acme/svc-7'
      ])
    })
  })

  describe('when generate is true', () => {
    it.each([
      ['alphanumeric', '40', /^[A-Za-z0-9]{40}$/],
      ['hex', '24', /^[0-9a-f]{48}$/],
      ['base64url', '32', /^[A-Za-z0-9_-]{43}$/]
    ])(
      'should write one fresh %s value (length %s) per name to every repository, masked',
      async (encoding, length, pattern) => {
        const s = await simulate(secretsWorld({ web: [secret('A_KEY')] }))
        const run = await rotate(s, {
          repository: 'acme/web, acme/api',
          secrets: 'A_KEY, B_KEY, C_KEY',
          generate: 'true',
          encoding,
          length
        })
        expect(run.exitCode).toBe(0)
        const generated = JSON.parse(run.outputs['generated-values'] ?? '{}') as Record<
          string,
          string
        >
        expect(Object.keys(generated)).toEqual(['A_KEY', 'B_KEY', 'C_KEY'])
        const values = Object.values(generated)
        expect(new Set(values).size).toBe(3)
        for (const value of values) {
          expect(value).toMatch(pattern)
          expect(run.stdout).toContain(`::add-mask::${value}`)
        }
        // One new credential per name, the same in every consumer.
        expect(repositoryValues(s, 'acme/web')).toEqual(generated)
        expect(repositoryValues(s, 'acme/api')).toEqual(generated)
        expectNoLeak(run, values)
      }
    )
  })

  describe('when a dry run', () => {
    it('should plan every write, send no PUT, and plan what the real run does', async () => {
      const world = secretsWorld({
        web: [secret('A_KEY')],
        orgRepositories: 2,
        orgSecrets: [
          { ...secret('ORG_KEY'), visibility: 'selected', selected_repository_ids: [1000] }
        ]
      })
      const inputs = { repository: 'acme/web, acme/api', secrets: 'A_KEY, B_KEY', generate: 'true' }
      const dry = await simulate(structuredClone(world))
      const planned = await rotate(dry, { ...inputs, 'dry-run': 'true', limit: '4' })
      expect(planned.exitCode).toBe(0)
      expect(dry.requests.filter(r => r.method !== 'GET')).toEqual([])
      expect(repositoryValues(dry, 'acme/web')).toEqual({ A_KEY: 'old-value' })
      expect(planned.result.map(shape)).toEqual([
        `acme/web A_KEY write-secret planned replaces the value of ${LAST_ROTATED}`,
        'acme/web B_KEY write-secret planned new secret',
        'acme/api A_KEY write-secret planned new secret',
        'acme/api B_KEY write-secret planned new secret'
      ])
      expect(planned.outputs['generated-values']).toBe('{}')
      expect(planned.summary).toContain('dry run')
      await dry.close()

      const real = await simulate(structuredClone(world))
      const done = await rotate(real, { ...inputs, limit: '4' })
      const outcomes = (r: ActionRun['result'][number]): string =>
        `${r.repository} ${String(r.id)} ${r.outcome === 'done' ? 'planned' : r.outcome}`
      expect(planned.result.map(outcomes)).toEqual(done.result.map(outcomes))
      expect(planned.outputs.count).toBe(done.outputs.count)
      expect(puts(real)).toBe(4)
    })

    it('should plan an organization write with the visibility it keeps', async () => {
      const s = await simulate(
        secretsWorld({
          orgRepositories: 2,
          orgSecrets: [
            { ...secret('ORG_KEY'), visibility: 'selected', selected_repository_ids: [1000, 1001] }
          ]
        })
      )
      const run = await rotate(s, {
        secrets: 'ORG_KEY',
        value: VALUE,
        scope: 'organization',
        'dry-run': 'true'
      })
      expect(run.result.map(shape)).toEqual([
        `acme ORG_KEY write-secret planned replaces the value of ${LAST_ROTATED}; visibility selected (2 repositories)`
      ])
      expect(puts(s)).toBe(0)
    })
  })

  describe('when the API lives under /api/v3 (GitHub Enterprise Server)', () => {
    it('should rotate an organization secret through the prefix, keeping every page of its repositories, in debug mode', async () => {
      const selected = Array.from({ length: 150 }, (_, i) => 1000 + i)
      const s = await simulate(
        secretsWorld({
          orgRepositories: 150,
          orgSecrets: [
            { ...secret('SHARED_KEY'), visibility: 'selected', selected_repository_ids: selected }
          ]
        })
      )
      const run = await rotate(
        s,
        { secrets: 'SHARED_KEY', value: VALUE, scope: 'organization' },
        { bundle: true, apiUrl: `${s.url}/api/v3`, env: { RUNNER_DEBUG: '1' } }
      )
      expect(run.exitCode).toBe(0)
      expect(orgSecret(s, 'SHARED_KEY')).toMatchObject({
        value: VALUE,
        visibility: 'selected',
        selected_repository_ids: selected
      })
      expect(run.result.map(shape)).toEqual(['acme SHARED_KEY write-secret done updated'])
      // The second page of selected repositories too, following GitHub's link under the prefix.
      expect(s.requestCount({ operationId: 'actions/list-selected-repos-for-org-secret' })).toBe(2)
      expect(s.requests.every(r => r.ghes === true)).toBe(true)
      expect(run.stdout).toContain('::debug::')
      expectNoLeak(run, [VALUE])
    })
  })
})
