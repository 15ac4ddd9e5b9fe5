import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from '@jest/globals'
import {
  busySecretsWorld,
  environmentValues,
  orgSecret,
  repositoryValues,
  secret,
  secretsWorld,
  LAST_ROTATED
} from '../../__fixtures__/rotate-secrets.js'
import { rotatePublicKeyOnRead, type Scenario, type Simulator } from '../../simulator/index.js'
import { rotate } from '../lib/operations.js'
import { expectNoLeak, resultLine } from '../lib/results.js'
import type { ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { puts } from '../lib/world.js'

const simulate = simulatorPerTest()

const shape = resultLine('repository', 'id', 'action', 'outcome', 'reason')

const VALUE = 'npm_7Hq2xV9kLp4Rz8Wm-rotated'

/**
 * A proxy in front of the simulator that answers `GET path` with the simulator's body but `key` as
 * the public key: a key GitHub would never send, which the simulator cannot be made to send.
 * @returns the proxy's URL and how to close it.
 */
async function withPublicKey(
  s: Simulator,
  path: string,
  key: string
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((incoming, outgoing) => {
    const target = new URL(incoming.url ?? '/', s.url)
    const upstream = request(
      target,
      { method: incoming.method, headers: incoming.headers },
      answer => {
        if (incoming.method !== 'GET' || target.pathname !== path) {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(outgoing)
          return
        }
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () => {
          const original = JSON.parse(Buffer.concat(chunks).toString('utf8')) as object
          const body = JSON.stringify({ ...original, key })
          const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) }
          delete headers['transfer-encoding']
          outgoing.writeHead(answer.statusCode ?? 502, headers)
          outgoing.end(body)
        })
      }
    )
    incoming.pipe(upstream)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

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

  describe('when a target is bad', () => {
    const withEnvironmentInWebOnly = (): Scenario => {
      const world = secretsWorld({ web: [secret('NPM_TOKEN')], environments: ['production'] })
      const api = world.repositories.find(r => r.name === 'api')
      if (api) api.environments = []
      return world
    }
    it.each<[string, Record<string, string>, RegExp, ((s: Simulator) => void)?]>([
      [
        'a bad name',
        { secrets: 'NPM_TOKEN, 1BAD' },
        /Input 'secrets': "1BAD" is not a secret name/
      ],
      [
        'a 49 KB value',
        { secrets: 'NPM_TOKEN', value: 'v'.repeat(49 * 1024) },
        /Input 'value': is 50176 bytes; GitHub accepts at most 49152/
      ],
      [
        'a GITHUB_ name',
        { secrets: 'NPM_TOKEN, github_app_key' },
        /Input 'secrets': "github_app_key" starts with GITHUB_, which GitHub reserves/
      ],
      [
        'an empty value without generate',
        { secrets: 'NPM_TOKEN', value: '' },
        /Input 'value': is empty\. An empty value would wipe the secret/
      ],
      [
        'a value of only whitespace without generate',
        { secrets: 'NPM_TOKEN', value: '  \n\t' },
        /Input 'value': is empty \(only whitespace\)\. An empty value would wipe the secret/
      ],
      [
        'more writes than limit',
        { secrets: 'NPM_TOKEN, DEPLOY_KEY', limit: '3' },
        /Input 'limit': 3 is less than the 4 writes this rotation needs \(2 secrets × 2 repositories\).*Raise 'limit' to at least 4/
      ],
      [
        'value with generate',
        { secrets: 'NPM_TOKEN', generate: 'true' },
        /Input 'value': is set while 'generate: true'/
      ],
      [
        'a missing environment',
        { secrets: 'NPM_TOKEN', scope: 'environment', environment: 'production' },
        /Input 'environment': "production" does not exist in acme\/api/
      ],
      [
        'one unreadable public key',
        { secrets: 'NPM_TOKEN' },
        /could not read the Actions public key of repository acme\/api: 403 .*`secrets: write`.*Nothing was written/,
        s =>
          s.faults.add({
            path: '/repos/acme/api/actions/secrets/public-key',
            times: 1,
            kind: 'status',
            status: 403
          })
      ],
      [
        'an unknown selected repository',
        {
          secrets: 'NPM_TOKEN',
          scope: 'organization',
          visibility: 'selected',
          'selected-repositories': 'web, nope'
        },
        /Input 'selected-repositories': "nope" not found in organization acme/
      ]
      // A rest parameter keeps the callback's length at 0: jest would take a fourth one for `done`.
    ])('should fail on %s before any PUT', async (...row) => {
      const [, inputs, message, arrange] = row
      const s = await simulate(withEnvironmentInWebOnly())
      arrange?.(s)
      const run = await rotate(s, { repository: 'acme/web, acme/api', value: VALUE, ...inputs })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(new RegExp(`::error::.*${message.source}`))
      expect(puts(s)).toBe(0)
      expect(repositoryValues(s, 'acme/web')).toEqual({ NPM_TOKEN: 'old-value' })
      expect(run.result).toEqual([])
      expectNoLeak(run, [VALUE])
    })

    it.each(['false', 'true'])(
      'should refuse 2 secrets × 60 repositories under the default limit before any request (dry-run %s)',
      async dryRun => {
        const world = busySecretsWorld(60)
        const s = await simulate(world)
        const run = await rotate(s, {
          repository: world.repositories.map(r => `${r.owner}/${r.name}`).join('\n'),
          secrets: 'KEY_01, KEY_02',
          value: VALUE,
          'dry-run': dryRun
        })
        expect(run.exitCode).toBe(1)
        expect(run.stdout).toContain(
          "::error::Input 'limit': 100 is less than the 120 writes this rotation needs (2 secrets × 60 repositories); stopping part-way would leave some consumers on the old value. Raise 'limit' to at least 120 (e.g. 'limit: 120'), or rotate fewer secrets or repositories per step. Nothing was written."
        )
        expect(s.requests).toEqual([])
        expect(run.result).toEqual([])
      }
    )

    it.each([
      ['not base64', 'not base64!', /is not base64/],
      ['31 bytes long', Buffer.alloc(31, 7).toString('base64'), /has 31 bytes, not 32/]
    ])(
      'should refuse a public key that is %s while planning, naming the scope, before any PUT',
      async (_case, key, problem) => {
        const s = await simulate(secretsWorld({ web: [secret('NPM_TOKEN')] }))
        const proxy = await withPublicKey(s, '/repos/acme/api/actions/secrets/public-key', key)
        try {
          const run = await rotate(
            s,
            { repository: 'acme/web, acme/api', secrets: 'NPM_TOKEN', value: VALUE },
            { apiUrl: proxy.url }
          )
          expect(run.exitCode).toBe(1)
          expect(run.stdout).toMatch(
            /::error::rotate-secrets cannot seal values to the Actions public key of repository acme\/api: the public key with key_id \d+ /
          )
          expect(run.stdout).toMatch(problem)
          expect(run.stdout).toContain('Nothing was written.')
          expect(puts(s)).toBe(0)
          expect(repositoryValues(s, 'acme/web')).toEqual({ NPM_TOKEN: 'old-value' })
        } finally {
          await proxy.close()
        }
      }
    )

    it('should name an organization that does not exist, before any PUT', async () => {
      const s = await simulate(secretsWorld())
      const run = await rotate(s, {
        secrets: 'NPM_TOKEN',
        value: VALUE,
        scope: 'organization',
        organization: 'octo-cat'
      })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        '::error::rotate-secrets could not read the Actions public key of organization octo-cat: 404 Not Found (it does not exist, or the token cannot see it). Nothing was written.'
      )
      expect(puts(s)).toBe(0)
    })

    it('should say GITHUB_TOKEN cannot write secrets and name the permission, before any PUT', async () => {
      const s = await simulate(secretsWorld({ web: [secret('NPM_TOKEN')] }))
      const run = await rotate(s, { secrets: 'NPM_TOKEN', value: VALUE }, { token: 'ghs_write' })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(
        /::error::rotate-secrets could not read the Actions public key of repository acme\/web: 403 .*`GITHUB_TOKEN` cannot write secrets: pass a token with `secrets: write`/
      )
      expect(puts(s)).toBe(0)
    })

    it('should say the token is invalid or expired and name github-token, before any PUT', async () => {
      const s = await simulate(secretsWorld({ web: [secret('NPM_TOKEN')] }))
      const run = await rotate(
        s,
        { secrets: 'NPM_TOKEN', value: VALUE },
        { token: 'ghp_revokedR3v0k3dR3v0k3d' }
      )
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        '::error::rotate-secrets could not read the Actions public key of repository acme/web: 401 Bad credentials: the token is invalid or expired; pass a valid one in `github-token` (for rotate-secrets, `GITHUB_TOKEN` cannot write secrets: pass a token with `secrets: write`'
      )
      expect(s.requests.map(r => r.status)).toEqual([401])
      expect(repositoryValues(s, 'acme/web')).toEqual({ NPM_TOKEN: 'old-value' })
    })

    it('should fail each environment write the token may not make, naming environments: write', async () => {
      const world = secretsWorld({ environments: ['production'] })
      // Reads every secret, but cannot write environments: GitHub refuses only the PUTs.
      world.tokens.ghs_env_read = {
        login: 'rotator[bot]',
        kind: 'app',
        permissions: { secrets: 'write', environments: 'read', actions: 'read', metadata: 'read' }
      }
      const s = await simulate(world)
      const run = await rotate(
        s,
        { secrets: 'DEPLOY_KEY', value: VALUE, scope: 'environment', environment: 'production' },
        { token: 'ghs_env_read' }
      )
      expect(run.exitCode).toBe(1)
      expect(run.result.map(r => `${r.repository} ${r.outcome}`)).toEqual(['acme/web failed'])
      expect(run.result[0]?.reason).toMatch(
        /^403 .*Actions secrets of environments also need `environments: write`/
      )
      expect(environmentValues(s, 'acme/web', 'production')).toEqual({})
    })
  })

  describe('when GitHub rotates the public key between the read and the write', () => {
    it('should read the key again, seal again and write once more', async () => {
      const s = await simulate(secretsWorld({ web: [secret('NPM_TOKEN')] }))
      rotatePublicKeyOnRead(s.state.repositories[0] ?? {})
      const run = await rotate(s, { secrets: 'NPM_TOKEN', value: VALUE })
      expect(run.exitCode).toBe(0)
      expect(repositoryValues(s, 'acme/web')).toEqual({ NPM_TOKEN: VALUE })
      expect(run.result.map(shape)).toEqual(['acme/web NPM_TOKEN write-secret done updated'])
      expect(puts(s)).toBe(2)
      expect(s.requestCount({ operationId: 'actions/get-repo-public-key' })).toBe(2)
      expect(run.stdout).toContain('the public key changed')
    })

    it('should retry only once and fail when the key keeps changing', async () => {
      const s = await simulate(secretsWorld({ web: [secret('NPM_TOKEN')] }))
      rotatePublicKeyOnRead(s.state.repositories[0] ?? {}, Infinity)
      const run = await rotate(s, { secrets: 'NPM_TOKEN', value: VALUE })
      expect(run.exitCode).toBe(1)
      expect(run.result.map(r => [r.outcome, r.reason])).toEqual([
        ['failed', '422 Bad request - validation failed due to an improperly encrypted secret']
      ])
      expect(puts(s)).toBe(2)
      expect(repositoryValues(s, 'acme/web')).toEqual({ NPM_TOKEN: 'old-value' })
    })
  })

  describe('when a write cannot be verified', () => {
    it('should report it failed, and still write and verify the others', async () => {
      // A frozen clock: the secret's updated_at cannot move past the one it already has.
      const world = secretsWorld({
        web: [{ ...secret('NPM_TOKEN'), updated_at: '2026-11-22T12:00:00Z' }]
      })
      world.now = '2026-11-22T12:00:00Z'
      const s = await simulate(world)
      const run = await rotate(s, { secrets: 'NPM_TOKEN, NEW_KEY', value: VALUE })
      expect(run.exitCode).toBe(1)
      expect(run.result.map(r => [r.id, r.outcome])).toEqual([
        ['NPM_TOKEN', 'failed'],
        ['NEW_KEY', 'done']
      ])
      expect(run.result[0]?.reason).toMatch(
        /^GitHub accepted the value \(updated, 204\), but reading it back shows updated_at is still 2026-11-22T12:00:00Z/
      )
      expect(run.stdout).toContain('::error::1 target(s) failed')
      expectNoLeak(run, [VALUE])
    })

    it('should still publish a generated value GitHub accepted but that could not be verified', async () => {
      const world = secretsWorld({
        web: [{ ...secret('NPM_TOKEN'), updated_at: '2026-11-22T12:00:00Z' }]
      })
      world.now = '2026-11-22T12:00:00Z'
      const s = await simulate(world)
      const run = await rotate(s, { secrets: 'NPM_TOKEN, NEW_KEY', generate: 'true' })
      expect(run.exitCode).toBe(1)
      expect(run.result.map(r => [r.id, r.outcome])).toEqual([
        ['NPM_TOKEN', 'failed'],
        ['NEW_KEY', 'done']
      ])
      const generated = JSON.parse(run.outputs['generated-values'] ?? '{}') as Record<
        string,
        string
      >
      // The unverified write may well be stored: its value must be known.
      expect(generated).toEqual(repositoryValues(s, 'acme/web'))
      expect(Object.keys(generated)).toEqual(['NPM_TOKEN', 'NEW_KEY'])
    })
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
