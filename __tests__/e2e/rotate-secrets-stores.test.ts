/**
 * rotate-secrets into several secret stores (`app`): Actions, Dependabot and Codespaces secrets,
 * each with its own public key, endpoints, permission and organization visibility, written in one
 * rotation with the same value.
 */
import { describe, expect, it } from '@jest/globals'
import {
  orgSecret,
  repositoryValues,
  ROTATOR,
  secret,
  secretsWorld,
  LAST_ROTATED
} from '../../__fixtures__/rotate-secrets.js'
import {
  findOrganization,
  rotatePublicKeyOnRead,
  type Scenario,
  type SecretApp,
  type Simulator
} from '../../simulator/index.js'
import { rotate } from '../lib/operations.js'
import { resultLine } from '../lib/results.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

const VALUE = 'npm_9Wc4Lk2Tz7Qx-rotated'
const puts = (s: Simulator): string[] => s.requests.filter(r => r.method === 'PUT').map(r => r.path)
const shape = resultLine('repository', 'app', 'id', 'outcome', 'reason')

/** The token of `worldWithout(drop)`: the rotator's permissions but `drop`. */
const tokenWithout = (drop: string): string => `ghs_without_${drop}`

/** `world` with a token that holds every permission of the rotator's but `drop`. */
function worldWithout(drop: string, world: Scenario): Scenario {
  const permissions = { ...ROTATOR.permissions }
  delete permissions[drop]
  world.tokens[tokenWithout(drop)] = { ...ROTATOR, permissions }
  return world
}

describe('rotate-secrets into several stores', () => {
  describe.each<SecretApp>(['dependabot', 'codespaces'])('when app is %s alone', app => {
    it('should write that store of each repository with its own key, and leave the Actions secrets alone', async () => {
      const s = await simulate(
        secretsWorld({ web: [secret('NPM_TOKEN')], [app]: { web: [secret('NPM_TOKEN')] } })
      )
      const run = await rotate(s, {
        repository: 'acme/web, acme/api',
        secrets: 'NPM_TOKEN',
        value: VALUE,
        app
      })
      expect(run.exitCode).toBe(0)
      expect(repositoryValues(s, 'acme/web', app)).toEqual({ NPM_TOKEN: VALUE })
      expect(repositoryValues(s, 'acme/api', app)).toEqual({ NPM_TOKEN: VALUE })
      expect(repositoryValues(s, 'acme/web')).toEqual({ NPM_TOKEN: 'old-value' })
      expect(puts(s)).toEqual([
        `/repos/acme/web/${app}/secrets/NPM_TOKEN`,
        `/repos/acme/api/${app}/secrets/NPM_TOKEN`
      ])
      expect(s.requests.filter(r => r.path.includes('/actions/'))).toEqual([])
      expect(run.result.map(shape)).toEqual([
        `acme/web ${app} NPM_TOKEN done updated`,
        `acme/api ${app} NPM_TOKEN done created`
      ])
      expect(run.result[0]?.url).toBe(`https://github.com/acme/web/settings/secrets/${app}`)
      const store = app === 'dependabot' ? 'Dependabot' : 'Codespaces'
      expect(run.summary).toContain(`${store} secrets`)
      expect(run.stdout).toContain(`::group::${store} secrets of repository acme/web`)
    })
  })

  describe('when app is actions and dependabot at repository scope', () => {
    it('should give both stores of every repository the same generated value, repository by repository', async () => {
      const s = await simulate(
        secretsWorld({
          web: [secret('NPM_TOKEN')],
          dependabot: { web: [secret('NPM_TOKEN')], api: [secret('NPM_TOKEN')] }
        })
      )
      // The smoke case of the stores: through dist/index.js, as the runner starts it.
      const run = await rotate(
        s,
        {
          repository: 'acme/web, acme/api',
          secrets: 'NPM_TOKEN',
          generate: 'true',
          app: 'actions, dependabot'
        },
        { bundle: true }
      )
      expect(run.exitCode).toBe(0)
      const generated = JSON.parse(run.outputs['generated-values'] ?? '{}') as Record<
        string,
        string
      >
      expect(Object.keys(generated)).toEqual(['NPM_TOKEN'])
      for (const repository of ['acme/web', 'acme/api']) {
        expect(repositoryValues(s, repository)).toEqual(generated)
        expect(repositoryValues(s, repository, 'dependabot')).toEqual(generated)
      }
      expect(run.result.map(shape)).toEqual([
        'acme/web actions NPM_TOKEN done updated',
        'acme/web dependabot NPM_TOKEN done updated',
        'acme/api actions NPM_TOKEN done created',
        'acme/api dependabot NPM_TOKEN done updated'
      ])
      // Each store's own public key, each read once.
      expect(s.requestCount({ operationId: 'actions/get-repo-public-key' })).toBe(2)
      expect(s.requestCount({ operationId: 'dependabot/get-repo-public-key' })).toBe(2)
      expect(run.outputs.count).toBe('4')
      // The summary groups the results by store, Actions first as `app` lists it.
      const actions = run.summary.indexOf('Actions secrets')
      const dependabot = run.summary.indexOf('Dependabot secrets')
      expect(actions).toBeGreaterThan(-1)
      expect(dependabot).toBeGreaterThan(actions)
      // A section per store, a table per repository within it.
      expect((run.summary.match(/<table>/g) ?? []).length).toBe(4)
      expect(run.summary.indexOf('acme/api: 1 done', dependabot)).toBeGreaterThan(dependabot)
    })
  })

  describe('when app is actions and dependabot at organization scope, visibility left empty', () => {
    it('should keep each store its own visibility and every page of its own selected repositories', async () => {
      const actionsIds = Array.from({ length: 105 }, (_, i) => 1000 + i)
      const dependabotIds = Array.from({ length: 102 }, (_, i) => 1008 + i)
      const s = await simulate(
        secretsWorld({
          orgRepositories: 110,
          orgSecrets: [
            { ...secret('SHARED_KEY'), visibility: 'selected', selected_repository_ids: actionsIds }
          ],
          dependabot: {
            org: [
              {
                ...secret('SHARED_KEY'),
                visibility: 'selected',
                selected_repository_ids: dependabotIds
              },
              { ...secret('OTHER_KEY'), visibility: 'all' }
            ]
          }
        })
      )
      const run = await rotate(s, {
        secrets: 'SHARED_KEY, OTHER_KEY',
        value: VALUE,
        scope: 'organization',
        app: 'actions, dependabot'
      })
      expect(run.exitCode).toBe(0)
      expect(orgSecret(s, 'SHARED_KEY')).toMatchObject({
        value: VALUE,
        visibility: 'selected',
        selected_repository_ids: actionsIds
      })
      expect(orgSecret(s, 'OTHER_KEY')).toMatchObject({ value: VALUE, visibility: 'private' })
      expect(orgSecret(s, 'SHARED_KEY', 'dependabot')).toMatchObject({
        value: VALUE,
        visibility: 'selected',
        selected_repository_ids: dependabotIds
      })
      expect(orgSecret(s, 'OTHER_KEY', 'dependabot')).toMatchObject({
        value: VALUE,
        visibility: 'all'
      })
      // Two pages of 100 for each store's selected repositories.
      expect(s.requestCount({ operationId: 'actions/list-selected-repos-for-org-secret' })).toBe(2)
      expect(s.requestCount({ operationId: 'dependabot/list-selected-repos-for-org-secret' })).toBe(
        2
      )
      expect(run.result.map(shape)).toEqual([
        'acme actions SHARED_KEY done updated',
        'acme actions OTHER_KEY done created',
        'acme dependabot SHARED_KEY done updated',
        'acme dependabot OTHER_KEY done updated'
      ])
      expect(run.result[2]?.url).toBe(
        'https://github.com/organizations/acme/settings/secrets/dependabot'
      )
    })
  })

  describe('when app is dependabot and codespaces at organization scope with visibility selected', () => {
    it('should look each repository up once and share both stores with exactly those', async () => {
      const s = await simulate(secretsWorld({ orgRepositories: 5 }))
      const run = await rotate(s, {
        secrets: 'REGISTRY_TOKEN',
        value: VALUE,
        scope: 'organization',
        app: 'dependabot, codespaces',
        visibility: 'selected',
        'selected-repositories': 'svc-1, svc-3'
      })
      expect(run.exitCode).toBe(0)
      for (const app of ['dependabot', 'codespaces'] as const) {
        expect(orgSecret(s, 'REGISTRY_TOKEN', app)).toMatchObject({
          value: VALUE,
          visibility: 'selected',
          selected_repository_ids: [1001, 1003]
        })
      }
      expect(s.requests.filter(r => r.operationId === 'repos/get').map(r => r.path)).toEqual([
        '/repos/acme/svc-1',
        '/repos/acme/svc-3'
      ])
      expect(findOrganization(s.state, 'acme')?.secrets).toEqual([])
    })
  })

  describe('when a store cannot be read with the token', () => {
    it.each([
      [
        'dependabot_secrets',
        { repository: 'acme/web, acme/api', app: 'actions, dependabot' },
        /::error::rotate-secrets could not read the Dependabot public key of repository acme\/web: 403 Resource not accessible by integration: .*`dependabot_secrets: write` \(Dependabot secrets of repositories.*Nothing was written\./
      ],
      [
        'organization_codespaces_secrets',
        { scope: 'organization', app: 'actions, codespaces' },
        /::error::rotate-secrets could not read the Codespaces public key of organization acme: 403 Resource not accessible by integration: .*`organization_codespaces_secrets: write` \(Codespaces secrets of organizations.*Nothing was written\./
      ]
    ])(
      'should fail without %s before any write, naming the store and the permission to add',
      async (drop, inputs, message) => {
        const s = await simulate(
          worldWithout(
            drop,
            secretsWorld({
              web: [secret('NPM_TOKEN')],
              orgSecrets: [{ ...secret('NPM_TOKEN'), visibility: 'all' }]
            })
          )
        )
        const run = await rotate(
          s,
          { secrets: 'NPM_TOKEN', value: VALUE, ...inputs },
          { token: tokenWithout(drop) }
        )
        expect(run.exitCode).toBe(1)
        expect(run.stdout).toMatch(message)
        expect(puts(s)).toEqual([])
        expect(repositoryValues(s, 'acme/web')).toEqual({ NPM_TOKEN: 'old-value' })
        expect(orgSecret(s, 'NPM_TOKEN')?.value).toBe('old-value')
        expect(run.result).toEqual([])
      }
    )

    it('should fail each write a read-only permission refuses, naming the store and the permission to add', async () => {
      const world = secretsWorld({ web: [secret('NPM_TOKEN')] })
      world.tokens.ghs_dependabot_read = {
        ...ROTATOR,
        permissions: { ...ROTATOR.permissions, dependabot_secrets: 'read' }
      }
      const s = await simulate(world)
      const run = await rotate(
        s,
        { secrets: 'NPM_TOKEN', value: VALUE, app: 'actions, dependabot' },
        { token: 'ghs_dependabot_read' }
      )
      expect(run.exitCode).toBe(1)
      expect(run.result.map(r => `${String(r.app)} ${r.outcome}`)).toEqual([
        'actions done',
        'dependabot failed'
      ])
      expect(run.result[1]?.reason).toMatch(/^403 .*`dependabot_secrets: write`/)
      expect(run.stdout).toContain(
        '::error::1 target(s) failed:%0Aacme/web dependabot secret NPM_TOKEN: 403'
      )
      expect(repositoryValues(s, 'acme/web', 'dependabot')).toEqual({})
    })
  })

  describe("when GitHub rotates one store's public key between the read and the write", () => {
    it.each<[SecretApp, 'repository' | 'organization']>([
      ['dependabot', 'repository'],
      ['codespaces', 'organization']
    ])(
      'should read the %s key of the %s again and write once more, leaving the Actions key alone',
      async (app, scope) => {
        const s = await simulate(secretsWorld())
        const holder =
          scope === 'repository' ? s.state.repositories[0] : findOrganization(s.state, 'acme')
        rotatePublicKeyOnRead(holder ?? {}, 1, app)
        const run = await rotate(s, {
          secrets: 'NPM_TOKEN',
          value: VALUE,
          scope,
          app: `actions, ${app}`
        })
        expect(run.exitCode).toBe(0)
        const where = scope === 'repository' ? 'repo' : 'org'
        expect(s.requestCount({ operationId: `${app}/get-${where}-public-key` })).toBe(2)
        expect(s.requestCount({ operationId: `actions/get-${where}-public-key` })).toBe(1)
        expect(s.requests.filter(r => r.method === 'PUT').map(r => r.status)).toEqual([
          201, 422, 201
        ])
        expect(run.stdout).toMatch(
          new RegExp(
            `${app === 'dependabot' ? 'Dependabot' : 'Codespaces'} secrets of .*: the public key changed`
          )
        )
        const value =
          scope === 'repository'
            ? repositoryValues(s, 'acme/web', app).NPM_TOKEN
            : orgSecret(s, 'NPM_TOKEN', app)?.value
        expect(value).toBe(VALUE)
      }
    )
  })

  describe('when a dry run', () => {
    it("should read every store's key and secrets, send no write, and plan one write per store", async () => {
      const s = await simulate(secretsWorld({ codespaces: { web: [secret('NPM_TOKEN')] } }))
      const run = await rotate(s, {
        repository: 'acme/web, acme/api',
        secrets: 'NPM_TOKEN',
        value: VALUE,
        app: 'actions, codespaces',
        'dry-run': 'true'
      })
      expect(run.exitCode).toBe(0)
      expect(s.requests.filter(r => r.method !== 'GET')).toEqual([])
      expect(s.requestCount({ operationId: 'codespaces/get-repo-public-key' })).toBe(2)
      expect(run.result.map(shape)).toEqual([
        'acme/web actions NPM_TOKEN planned new secret',
        `acme/web codespaces NPM_TOKEN planned replaces the value of ${LAST_ROTATED}`,
        'acme/api actions NPM_TOKEN planned new secret',
        'acme/api codespaces NPM_TOKEN planned new secret'
      ])
      expect(repositoryValues(s, 'acme/web', 'codespaces')).toEqual({ NPM_TOKEN: 'old-value' })
    })
  })

  describe('when the inputs cannot work', () => {
    it.each([
      [
        'a store without environments with scope environment',
        { scope: 'environment', environment: 'production', app: 'actions, dependabot' },
        "::error::Input 'app': dependabot cannot be used with 'scope: environment'"
      ],
      [
        'an unknown store',
        { app: 'actions, dependabots' },
        `::error::Input 'app': "dependabots" is not a secret store. Use actions, dependabot, codespaces (a list), e.g. 'app: actions, dependabot'.`
      ],
      [
        'more writes than limit, counting every store',
        { secrets: 'NPM_TOKEN, DEPLOY_KEY', app: 'actions, dependabot', limit: '7' },
        "::error::Input 'limit': 7 is less than the 8 writes this rotation needs (2 secrets × 2 repositories × 2 stores (actions, dependabot)); stopping part-way would leave some consumers on the old value. Raise 'limit' to at least 8"
      ]
    ])('should refuse %s before any request', async (_case, inputs, message) => {
      const s = await simulate(secretsWorld({ environments: ['production'] }))
      const run = await rotate(s, {
        repository: 'acme/web, acme/api',
        secrets: 'NPM_TOKEN',
        value: VALUE,
        ...inputs
      })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(message)
      expect(s.requests).toEqual([])
    })
  })
})
