import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startSimulator, type Simulator } from '../../simulator/index.js'
import { call, run, scenario } from './helpers.js'

const CANCEL = '/repos/acme/web/actions/runs/1/cancel'

describe('fault injection', () => {
  let sim: Simulator

  beforeEach(async () => {
    sim = await startSimulator({ scenario: scenario([run({ id: 1 })]) })
  })
  afterEach(async () => {
    await sim.close()
  })

  const runStatus = (): string | undefined => sim.state.repositories[0]?.runs[0]?.status

  it('answers a status before the handler, for `times` requests only', async () => {
    sim.faults.add({
      operationId: 'actions/cancel-workflow-run',
      times: 2,
      kind: 'status',
      status: 502
    })
    const first = await call(sim, CANCEL, { method: 'POST' })
    expect(first.status).toBe(502)
    expect(first.body).toMatchObject({ message: 'Bad Gateway', status: '502' })
    expect(runStatus()).toBe('in_progress')
    expect((await call(sim, CANCEL, { method: 'POST' })).status).toBe(502)
    expect((await call(sim, CANCEL, { method: 'POST' })).status).toBe(202)
    expect(sim.requests.map(r => [r.status, r.fault])).toEqual([
      [502, 'status'],
      [502, 'status'],
      [202, undefined]
    ])
  })

  it('runs the handler and still fails with after-handler (a lost answer)', async () => {
    sim.faults.add({
      method: 'POST',
      path: CANCEL,
      times: 1,
      kind: 'status',
      status: 500,
      after: 'after-handler'
    })
    const lost = await call(sim, CANCEL, { method: 'POST' })
    expect(lost.status).toBe(500)
    expect(runStatus()).toBe('completed')
    expect((await call(sim, CANCEL, { method: 'POST' })).status).toBe(409)
  })

  it('answers secondary rate limits with retry-after, as 403 or 429', async () => {
    sim.faults.add({
      path: /\/actions\/runs$/,
      times: 1,
      kind: 'secondary-rate-limit',
      retryAfterSeconds: 7
    })
    sim.faults.add({
      path: /\/actions\/runs$/,
      times: 1,
      kind: 'secondary-rate-limit',
      status: 429
    })
    const first = await call(sim, '/repos/acme/web/actions/runs')
    expect(first.status).toBe(403)
    expect(first.headers.get('retry-after')).toBe('7')
    expect((first.body as { message: string }).message).toMatch(
      /^You have exceeded a secondary rate limit/
    )
    const second = await call(sim, '/repos/acme/web/actions/runs')
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toBe('1')
    expect((await call(sim, '/repos/acme/web/actions/runs')).status).toBe(200)
  })

  it('matches the path without the GHES prefix, and by method', async () => {
    sim.faults.add({
      method: 'GET',
      path: '/repos/acme/web/actions/runs',
      times: 1,
      kind: 'status',
      status: 503
    })
    expect((await call(sim, CANCEL, { method: 'POST' })).status).toBe(202)
    expect((await call(sim, '/api/v3/repos/acme/web/actions/runs')).status).toBe(503)
  })

  it('drops the connection without answering', async () => {
    sim.faults.add({ times: 1, kind: 'drop' })
    await expect(call(sim, '/repos/acme/web/actions/runs')).rejects.toThrow()
    expect(sim.requests[0]).toMatchObject({ status: 0, fault: 'drop' })
    expect((await call(sim, '/repos/acme/web/actions/runs')).status).toBe(200)
  })

  it('drops after the handler: the write happened, the answer is lost', async () => {
    sim.faults.add({ times: 1, kind: 'drop', after: 'after-handler' })
    await expect(call(sim, CANCEL, { method: 'POST' })).rejects.toThrow()
    expect(runStatus()).toBe('completed')
  })

  it('hangs until the client gives up, and close() still ends promptly', async () => {
    sim.faults.add({ times: 1, kind: 'hang' })
    const response = fetch(`${sim.url}/repos/acme/web/actions/runs`, {
      headers: { authorization: 'token ghs_write' },
      signal: AbortSignal.timeout(150)
    })
    await expect(response).rejects.toThrow()
    sim.faults.add({ times: 1, kind: 'hang' })
    const pending = fetch(`${sim.url}/repos/acme/web/actions/runs`, {
      headers: { authorization: 'token ghs_write' }
    }).catch((error: unknown) => error)
    await new Promise(resolve => setTimeout(resolve, 50))
    const started = Date.now()
    await sim.close()
    expect(Date.now() - started).toBeLessThan(1000)
    expect(await pending).toHaveProperty('message')
    expect(sim.requests.map(r => [r.status, r.fault])).toEqual([
      [0, 'hang'],
      [0, 'hang']
    ])
  })

  it('adds latency and then answers normally', async () => {
    sim.faults.add({ times: 1, kind: 'latency', delayMs: 120 })
    const started = Date.now()
    expect((await call(sim, '/repos/acme/web/actions/runs')).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(110)
    expect(sim.requests[0]).toMatchObject({ status: 200, fault: 'latency' })
  })

  it('clears every rule', async () => {
    sim.faults.add({ times: 5, kind: 'status' })
    sim.faults.clear()
    expect((await call(sim, '/repos/acme/web/actions/runs')).status).toBe(200)
  })

  it('refuses a rule without a positive times', () => {
    expect(() => sim.faults.add({ times: 0, kind: 'drop' })).toThrow(/times/)
  })
})
