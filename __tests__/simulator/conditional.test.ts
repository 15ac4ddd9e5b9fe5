/**
 * Conditional requests: every successful GET carries an ETag made from its body (and the token),
 * a GET whose If-None-Match names it is answered 304 without a body and without spending a
 * rate-limit point, and anything that changes the body changes the validator.
 */
import { describe, expect, it } from '@jest/globals'
import { etagOf, matchesIfNoneMatch } from '../../simulator/conditional.js'
import { startSimulator, type Simulator } from '../../simulator/index.js'
import { run, scenario } from './helpers.js'

async function get(
  sim: Simulator,
  path: string,
  headers: Record<string, string> = {},
  token = 'ghs_write'
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(`${sim.url}${path}`, {
    headers: { accept: 'application/vnd.github+json', authorization: `token ${token}`, ...headers }
  })
  return { status: response.status, headers: response.headers, text: await response.text() }
}

const remaining = (answer: { headers: Headers }): number =>
  Number(answer.headers.get('x-ratelimit-remaining'))

describe('conditional requests', () => {
  it('answers a matching If-None-Match with 304, no body and no rate-limit point', async () => {
    const sim = await startSimulator({ scenario: scenario([run({ id: 1 })]) })
    try {
      const first = await get(sim, '/repos/acme/web/actions/runs?per_page=100')
      const etag = first.headers.get('etag') ?? ''
      expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/)
      const second = await get(sim, '/repos/acme/web/actions/runs?per_page=100', {
        'if-none-match': etag
      })
      expect(second.status).toBe(304)
      expect(second.text).toBe('')
      expect(second.headers.get('etag')).toBe(etag)
      expect(remaining(second)).toBe(remaining(first))
      expect(sim.requests.map(r => [r.status, r.conditional === true])).toEqual([
        [200, false],
        [304, true]
      ])
      expect(sim.violations).toEqual([])
    } finally {
      await sim.close()
    }
  })

  it('answers 200 with a new validator once the listing changed, and spends the point', async () => {
    const sim = await startSimulator({ scenario: scenario([run({ id: 1 })]) })
    try {
      const first = await get(sim, '/repos/acme/web/actions/runs')
      const etag = first.headers.get('etag') ?? ''
      const listed = sim.state.repositories[0]?.runs[0]
      if (listed) listed.status = 'completed'
      const second = await get(sim, '/repos/acme/web/actions/runs', { 'if-none-match': etag })
      expect(second.status).toBe(200)
      expect(second.headers.get('etag')).not.toBe(etag)
      expect(remaining(second)).toBe(remaining(first) - 1)
    } finally {
      await sim.close()
    }
  })

  it('gives each URL and each token its own validator, as GitHub does', async () => {
    const sim = await startSimulator({ scenario: scenario([run({ id: 1 })]) })
    try {
      const all = await get(sim, '/repos/acme/web/actions/runs')
      const filtered = await get(sim, '/repos/acme/web/actions/runs?status=completed')
      expect(filtered.headers.get('etag')).not.toBe(all.headers.get('etag'))
      const otherToken = await get(
        sim,
        '/repos/acme/web/actions/runs',
        { 'if-none-match': all.headers.get('etag') ?? '' },
        'ghs_read'
      )
      expect(otherToken.status).toBe(200)
      expect(otherToken.headers.get('etag')).not.toBe(all.headers.get('etag'))
    } finally {
      await sim.close()
    }
  })

  it('answers 304 on any GET, documented with a 304 or not, and never on a write', async () => {
    const sim = await startSimulator({ scenario: scenario([run({ id: 1 })]) })
    try {
      // GitHub's description lists only 200 for a run, yet its GETs all revalidate.
      const one = await get(sim, '/repos/acme/web/actions/runs/1')
      const again = await get(sim, '/repos/acme/web/actions/runs/1', {
        'if-none-match': one.headers.get('etag') ?? ''
      })
      expect(again.status).toBe(304)
      const cancel = await fetch(`${sim.url}/repos/acme/web/actions/runs/1/cancel`, {
        method: 'POST',
        headers: { authorization: 'token ghs_write', 'if-none-match': '*' }
      })
      expect(cancel.status).toBe(202)
      expect(cancel.headers.get('etag')).toBeNull()
      expect(sim.violations).toEqual([])
    } finally {
      await sim.close()
    }
  })
})

describe('validators', () => {
  it('depend on the token and the body', () => {
    expect(etagOf('a', '{}')).toBe(etagOf('a', '{}'))
    expect(etagOf('a', '{}')).not.toBe(etagOf('b', '{}'))
    expect(etagOf('a', '{}')).not.toBe(etagOf('a', '[]'))
  })

  it('match by weak comparison, in a list, or with *', () => {
    const etag = 'W/"abc"'
    expect(matchesIfNoneMatch('W/"abc"', etag)).toBe(true)
    expect(matchesIfNoneMatch('"abc"', etag)).toBe(true)
    expect(matchesIfNoneMatch('"x", W/"abc"', etag)).toBe(true)
    expect(matchesIfNoneMatch('*', etag)).toBe(true)
    expect(matchesIfNoneMatch('"abcd"', etag)).toBe(false)
    expect(matchesIfNoneMatch('', etag)).toBe(false)
    expect(matchesIfNoneMatch(undefined, etag)).toBe(false)
  })
})
