/**
 * rotate-secrets refusing bad targets before any write, a public key that changes between the read
 * and the write, and writes that cannot be verified.
 */
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from '@jest/globals'
import {
  busySecretsWorld,
  environmentValues,
  repositoryValues,
  secret,
  secretsWorld
} from '../../__fixtures__/rotate-secrets.js'
import { rotatePublicKeyOnRead, type Scenario, type Simulator } from '../../simulator/index.js'
import { rotate } from '../lib/operations.js'
import { expectNoLeak, resultLine } from '../lib/results.js'
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
})
