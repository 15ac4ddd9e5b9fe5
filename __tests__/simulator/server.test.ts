import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSimulator, type Simulator } from '../../simulator/index.js'
import { call, run, scenario } from './helpers.js'

const DOCS = 'https://docs.github.com/rest'

describe('simulator server', () => {
  let sim: Simulator
  const theRun = run({ id: 7001 })

  beforeAll(async () => {
    sim = await startSimulator({ scenario: scenario([theRun]) })
  })
  afterAll(async () => {
    await sim.close()
  })

  it('listens on 127.0.0.1 and answers with GitHub headers', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const answer = await call(sim, '/repos/acme/web/actions/runs/7001')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(answer.headers.get('x-github-request-id')).toBeTruthy()
    expect(answer.headers.get('x-ratelimit-resource')).toBe('core')
    expect(answer.body).toMatchObject({
      id: 7001,
      name: 'CI',
      path: '.github/workflows/ci.yml',
      html_url: 'https://github.com/acme/web/actions/runs/7001',
      cancel_url: `${sim.url}/repos/acme/web/actions/runs/7001/cancel`,
      actor: { login: 'alice', type: 'User' },
      repository: { id: 101, full_name: 'acme/web', owner: { login: 'acme' } },
      head_repository: { full_name: 'acme/web', fork: false }
    })
  })

  it('serves the same API under the GHES /api/v3 prefix, with prefixed URLs', async () => {
    const answer = await call(sim, '/api/v3/repos/acme/web/actions/runs/7001')
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ url: `${sim.url}/api/v3/repos/acme/web/actions/runs/7001` })
    const recorded = sim.requests[sim.requests.length - 1]
    expect(recorded).toMatchObject({
      path: '/repos/acme/web/actions/runs/7001',
      operationId: 'actions/get-workflow-run',
      status: 200,
      token: 'present',
      ghes: true
    })
  })

  it('answers 401 Bad credentials for an unknown token', async () => {
    const answer = await call(sim, '/repos/acme/web/actions/runs', { token: 'nope' })
    expect(answer.status).toBe(401)
    expect(answer.body).toEqual({
      message: 'Bad credentials',
      documentation_url: DOCS,
      status: '401'
    })
  })

  it('answers 401 to anonymous requests and records the missing token', async () => {
    const answer = await call(sim, '/repos/acme/web/actions/runs', { token: null })
    expect(answer.status).toBe(401)
    expect(sim.requests[sim.requests.length - 1]?.token).toBe('absent')
  })

  it('accepts Bearer tokens too', async () => {
    const response = await fetch(`${sim.url}/repos/acme/web/actions/runs`, {
      headers: { authorization: 'Bearer ghs_read' }
    })
    expect(response.status).toBe(200)
  })

  it('answers 404 for unknown and invisible repositories and runs', async () => {
    const notFound = { message: 'Not Found', documentation_url: DOCS, status: '404' }
    for (const path of [
      '/repos/acme/nope/actions/runs',
      '/repos/acme/secret/actions/runs',
      '/repos/acme/web/actions/runs/999',
      '/repos/acme/web/actions/workflows/nope.yml/runs'
    ]) {
      const answer = await call(sim, path)
      expect({ path, status: answer.status, body: answer.body }).toEqual({
        path,
        status: 404,
        body: notFound
      })
    }
  })

  it('answers 403 when the token lacks the permission, naming the accepted one', async () => {
    const read = await call(sim, '/repos/acme/web/actions/runs', { token: 'ghs_none' })
    expect(read.status).toBe(403)
    expect(read.body).toEqual({
      message: 'Resource not accessible by integration',
      documentation_url: DOCS,
      status: '403'
    })
    expect(read.headers.get('x-accepted-github-permissions')).toBe('actions=read')
    const write = await call(sim, '/repos/acme/web/actions/runs/7001/cancel', {
      method: 'POST',
      token: 'ghs_read'
    })
    expect(write.status).toBe(403)
    expect(sim.state.repositories[0]?.runs[0]?.status).toBe('in_progress')
  })

  it('gives a user token without explicit permissions full access', async () => {
    const answer = await call(sim, '/repos/acme/secret/actions/runs', { token: 'ghp_alice' })
    expect(answer.status).toBe(200)
  })

  it('answers undocumented requests like GitHub and records a violation', async () => {
    const before = sim.violations.length
    const unknown = await call(sim, '/repos/acme/web/actions/nothing')
    expect(unknown.status).toBe(404)
    expect(unknown.body).toEqual({ message: 'Not Found', documentation_url: DOCS, status: '404' })
    const invalid = await call(sim, '/repos/acme/web/actions/runs?status=bogus')
    expect(invalid.status).toBe(422)
    expect(invalid.body).toMatchObject({ message: 'Validation Failed', status: '422' })
    expect((invalid.body as { errors: unknown[] }).errors.length).toBeGreaterThan(0)
    expect(sim.violations.slice(before)).toEqual([
      expect.objectContaining({ method: 'GET', path: '/repos/acme/web/actions/nothing' }),
      expect.objectContaining({ method: 'GET', path: '/repos/acme/web/actions/runs' })
    ])
  })

  it('answers 501 for documented operations it does not simulate, as a violation', async () => {
    const answer = await call(sim, '/repos/acme/web/actions/runs/7001/pending_deployments')
    if (answer.status === 501) {
      expect(sim.violations[sim.violations.length - 1]).toMatchObject({ reason: 'not simulated' })
    } else {
      // Another feature simulates it by now: then it must not be a violation.
      expect(answer.status).not.toBe(404)
    }
  })

  it('counts requests by method and operationId', () => {
    expect(sim.requestCount()).toBe(sim.requests.length)
    // 7001 twice (plain and GHES) and the unknown run 999.
    expect(sim.requestCount({ operationId: 'actions/get-workflow-run' })).toBe(3)
    expect(sim.requestCount({ method: 'post', operationId: 'actions/cancel-workflow-run' })).toBe(1)
  })

  it('answers invalid JSON bodies with 400 Problems parsing JSON', async () => {
    const response = await fetch(`${sim.url}/repos/acme/web/actions/runs/7001/cancel`, {
      method: 'POST',
      headers: { authorization: 'token ghs_write' },
      body: '{not json'
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ message: 'Problems parsing JSON' })
  })
})

describe('simulator lifecycle', () => {
  it('deep-copies the scenario', async () => {
    const initial = scenario([run({ id: 7101 })])
    const sim = await startSimulator({ scenario: initial })
    await call(sim, '/repos/acme/web/actions/runs/7101/cancel', { method: 'POST' })
    expect(sim.state.repositories[0]?.runs[0]?.status).toBe('completed')
    expect(initial.repositories[0]?.runs[0]?.status).toBe('in_progress')
    await sim.close()
  })

  it('answers no sooner than latencyMs after the request arrived, and uses the given clock', async () => {
    const sim = await startSimulator({
      scenario: scenario([run({ id: 7201 })]),
      latencyMs: 60,
      now: () => new Date('2030-01-01T00:00:00Z')
    })
    const started = Date.now()
    await call(sim, '/repos/acme/web/actions/runs/7201/cancel', { method: 'POST' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(55)
    expect(sim.state.repositories[0]?.runs[0]?.updated_at).toBe('2030-01-01T00:00:00Z')
    await sim.close()
  })
})
