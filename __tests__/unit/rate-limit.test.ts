import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { repository, scenario } from '../../__fixtures__/scenario.js'
import { createClient } from '../../src/boundary/client.js'
import { RateLimitWatch } from '../../src/boundary/rate-limit.js'
import { startSimulator, type Simulator } from '../../simulator/index.js'

const PACING = {
  timeScale: 0.001,
  writeIntervalMs: 1,
  retryBaseMs: 1,
  retryAfterScale: 0.001,
  requestTimeoutMs: 5000,
  pollIntervalMs: 1
}

describe('the client and the rate-limit watch', () => {
  let sim: Simulator | undefined
  afterEach(async () => {
    jest.restoreAllMocks()
    await sim?.close()
    sim = undefined
  })

  it('should send nothing after the answer that spent the last request, GET /rate_limit aside', async () => {
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const world = scenario(repository('acme/web', []))
    world.tokens.ghs_write = { ...world.tokens.ghs_write!, rateLimit: { remaining: 1 } }
    sim = await startSimulator({ scenario: world })
    const watch = new RateLimitWatch()
    const { octokit, counter } = await createClient({
      token: 'ghs_write',
      apiUrl: sim.url,
      pacing: PACING,
      rateLimit: watch
    })
    const reset = new Date((sim.state.rateLimits.ghs_write?.reset ?? 0) * 1000)

    // A 200 that shows x-ratelimit-remaining: 0 spends the last request.
    await octokit.rest.rateLimit.get()
    expect(watch.stoppedUntil()).toBeUndefined()
    await expect(
      octokit.rest.actions.listWorkflowRunsForRepo({ owner: 'acme', repo: 'web' })
    ).resolves.toMatchObject({ status: 200 })
    expect(watch.stoppedUntil()).toEqual(reset)

    await expect(
      octokit.rest.actions.listWorkflowRunsForRepo({ owner: 'acme', repo: 'web' })
    ).rejects.toMatchObject({
      status: 403,
      response: { headers: { 'x-ratelimit-remaining': '0' } }
    })
    await expect(octokit.rest.rateLimit.get()).resolves.toMatchObject({ status: 200 })
    expect(sim.requests.map(r => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /rate_limit 200',
      'GET /repos/acme/web/actions/runs 200',
      'GET /rate_limit 200'
    ])
    expect(counter.total).toBe(3)
  })
})
