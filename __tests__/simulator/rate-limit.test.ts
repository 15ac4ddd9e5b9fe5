import { describe, expect, it } from '@jest/globals'
import { startSimulator } from '../../simulator/index.js'
import { call, scenario } from './helpers.js'

describe('rate limits', () => {
  it('counts requests per token in the x-ratelimit headers', async () => {
    const sim = await startSimulator({ scenario: scenario([], { rateLimit: { limit: 100 } }) })
    await call(sim, '/repos/acme/web/actions/runs')
    const second = await call(sim, '/repos/acme/web/actions/runs')
    expect(second.headers.get('x-ratelimit-limit')).toBe('100')
    expect(second.headers.get('x-ratelimit-remaining')).toBe('98')
    expect(second.headers.get('x-ratelimit-used')).toBe('2')
    // Window resets an hour after the scenario clock (2026-11-22T12:00:00Z), in epoch seconds.
    expect(second.headers.get('x-ratelimit-reset')).toBe(
      String(Date.parse('2026-11-22T13:00:00Z') / 1000)
    )
    const other = await call(sim, '/repos/acme/web/actions/runs', { token: 'ghs_read' })
    expect(other.headers.get('x-ratelimit-remaining')).toBe('99')
    await sim.close()
  })

  it('answers 403 once a token is exhausted, until its window resets', async () => {
    let now = new Date('2026-11-22T12:00:00Z')
    const sim = await startSimulator({ scenario: scenario([]), now: () => now })
    const bucket = sim.state.rateLimits['ghs_write']
    if (!bucket) throw new Error('no bucket')
    bucket.remaining = 1
    expect((await call(sim, '/repos/acme/web/actions/runs')).status).toBe(200)
    const limited = await call(sim, '/repos/acme/web/actions/runs')
    expect(limited.status).toBe(403)
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0')
    expect((limited.body as { message: string }).message).toBe(
      'API rate limit exceeded for installation ID 1.'
    )
    // GET /rate_limit is free and still answers.
    const status = await call(sim, '/rate_limit')
    expect(status.status).toBe(200)
    expect(status.body).toMatchObject({
      resources: { core: { remaining: 0, used: 5000 } },
      rate: { remaining: 0 }
    })
    now = new Date('2026-11-22T13:00:01Z')
    const after = await call(sim, '/repos/acme/web/actions/runs')
    expect(after.status).toBe(200)
    expect(after.headers.get('x-ratelimit-remaining')).toBe('4999')
    await sim.close()
  })

  it('takes remaining per token from the scenario and names users in the message', async () => {
    const base = scenario([])
    const alice = base.tokens['ghp_alice']
    if (alice) alice.rateLimit = { remaining: 0 }
    const sim = await startSimulator({ scenario: base })
    const limited = await call(sim, '/repos/acme/web/actions/runs', { token: 'ghp_alice' })
    expect(limited.status).toBe(403)
    expect((limited.body as { message: string }).message).toMatch(
      /^API rate limit exceeded for user ID \d+\.$/
    )
    await sim.close()
  })
})
