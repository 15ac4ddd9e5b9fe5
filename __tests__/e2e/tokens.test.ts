/**
 * A missing or revoked token, for every operation: the step fails before any write, and the
 * message says which input to fix and which permission the replacement token needs.
 */
import { describe, expect, it } from '@jest/globals'
import { repository, run, scenario } from '../../__fixtures__/scenario.js'
import { PERMISSION_HINTS } from '../../src/boundary/api-errors.js'
import { OPERATIONS } from '../../src/inputs/definition.js'
import { errorLine } from '../lib/results.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

/** The inputs each operation needs besides the token to get as far as its first request. */
const REQUIRED: Record<string, Record<string, string>> = {
  'rotate-secrets': { secrets: 'NPM_TOKEN', value: 'n3w-v4lu3-for-npm' },
  'delete-runs': { 'older-than': '30d' },
  'delete-artifacts': { 'older-than': '30d' },
  'delete-caches': { 'older-than': '30d' }
}

describe.each(OPERATIONS.map(operation => [operation]))('%s', operation => {
  const withInputs = { operation, ...REQUIRED[operation] }

  it('should refuse an empty token before any request, naming the permission it needs', async () => {
    const s = await simulate(scenario(repository('acme/web', [run({ id: 1 })])))
    const result = await runAction({ apiUrl: s.url, token: '', with: withInputs })
    expect(result.exitCode).toBe(1)
    const error = errorLine(result.stdout)
    expect(error).toContain("'github-token'")
    expect(error).toContain(`for ${operation}, ${PERMISSION_HINTS[operation]}`)
    expect(s.requests).toEqual([])
  })

  it('should say a revoked token (401) is invalid, naming github-token and the permission', async () => {
    const s = await simulate(scenario(repository('acme/web', [run({ id: 1 })])))
    // In debug mode too: the failed request's details must not carry the token or the value.
    // One operation through the bundle (debug lines cross the worker thread); every operation's
    // bundle runs in the sub-actions tests.
    const result = await runAction({
      bundle: operation === 'cancel-stale',
      apiUrl: s.url,
      token: 'ghp_revokedR3v0k3dR3v0k3d',
      with: withInputs,
      env: { RUNNER_DEBUG: '1' }
    })
    expect(result.stdout).toContain('::debug::')
    expect(result.exitCode).toBe(1)
    const error = errorLine(result.stdout)
    expect(error).toContain('401 Bad credentials: the token is invalid or expired')
    expect(error).toContain('`github-token`')
    expect(error).toContain(`for ${operation}, ${PERMISSION_HINTS[operation]}`)
    // Nothing but refused reads: no write reached the simulator.
    expect(s.requests.length).toBeGreaterThan(0)
    expect(s.requests.every(r => r.status === 401)).toBe(true)
    expect(s.requests.filter(r => r.method !== 'GET')).toEqual([])
  })
})

describe('a token a careless paste left characters in', () => {
  it.each([
    ['a line break inside', 'ghs_pastedP4sted\nPastedP4sted'],
    ['a trailing zero-width space', 'ghs_pastedP4stedPastedP4sted\u200b']
  ])(
    'should be refused with %s before any request, naming github-token and printing no part of it',
    async (_case, token) => {
      const s = await simulate(scenario(repository('acme/web', [run({ id: 1 })])))
      const result = await runAction({
        apiUrl: s.url,
        token,
        with: { operation: 'cancel-stale' },
        // Every piece of it is scanned for in stdout, stderr, the summary and the outputs.
        secrets: token.split(/\s+/).map(piece => piece.replace('\u200b', ''))
      })
      expect(result.exitCode).toBe(1)
      expect(errorLine(result.stdout)).toMatch(/^::error::Input 'github-token': has a /)
      expect(s.requests).toEqual([])
    }
  )
})
