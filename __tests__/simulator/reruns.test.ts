import { afterEach, describe, expect, it } from '@jest/globals'
import { startSimulator, type ScenarioRun, type Simulator } from '../../simulator/index.js'
import { call, NOW, run, scenario } from './helpers.js'

let sim: Simulator | undefined

afterEach(async () => {
  await sim?.close()
  sim = undefined
})

/** A failed run of attempt 1: `build` succeeded, `test` failed, `lint` timed out. */
function failedRun(overrides: Partial<ScenarioRun> = {}): ScenarioRun {
  return run({
    id: 1,
    status: 'completed',
    conclusion: 'failure',
    jobs: [
      { id: 101, name: 'build', status: 'completed', conclusion: 'success', log: 'built\n' },
      { id: 102, name: 'test', status: 'completed', conclusion: 'failure', log: 'ETIMEDOUT\n' },
      { id: 103, name: 'lint', status: 'completed', conclusion: 'timed_out', log: 'slow\n' }
    ],
    ...overrides
  })
}

async function start(runs: ScenarioRun[]): Promise<Simulator> {
  sim = await startSimulator({ scenario: scenario(runs) })
  return sim
}

type Jobs = {
  total_count: number
  jobs: {
    id: number
    name: string
    status: string
    run_attempt: number
    conclusion: string | null
  }[]
}

describe('re-run failed jobs', () => {
  it('creates a new attempt: run queued, failed jobs queued, the others kept; records debug logging', async () => {
    const s = await start([failedRun()])
    const answer = await call(s, '/repos/acme/web/actions/runs/1/rerun-failed-jobs', {
      method: 'POST',
      body: { enable_debug_logging: true }
    })
    expect(answer.status).toBe(201)
    const state = s.state.repositories[0]?.runs[0]
    expect(state).toMatchObject({ run_attempt: 2, status: 'queued', conclusion: null })
    expect(state?.reruns).toEqual([
      { attempt: 2, enable_debug_logging: true, by: 'github-actions[bot]', at: NOW }
    ])

    const latest = (await call(s, '/repos/acme/web/actions/runs/1/jobs?filter=latest')).body as Jobs
    expect(latest.jobs.map(j => [j.name, j.run_attempt, j.status, j.conclusion])).toEqual([
      ['build', 2, 'completed', 'success'],
      ['test', 2, 'queued', null],
      ['lint', 2, 'queued', null]
    ])
    const all = (await call(s, '/repos/acme/web/actions/runs/1/jobs?filter=all')).body as Jobs
    expect(all.total_count).toBe(6)
    const got = (await call(s, '/repos/acme/web/actions/runs/1')).body as { run_attempt: number }
    expect(got.run_attempt).toBe(2)
  })

  it('records enable_debug_logging false when the body omits it', async () => {
    const s = await start([failedRun()])
    const answer = await call(s, '/repos/acme/web/actions/runs/1/rerun-failed-jobs', {
      method: 'POST'
    })
    expect(answer.status).toBe(201)
    expect(s.state.repositories[0]?.runs[0]?.reruns?.[0]?.enable_debug_logging).toBe(false)
  })

  it('answers 403 while the run is running, e.g. right after a re-run', async () => {
    const s = await start([failedRun()])
    const path = '/repos/acme/web/actions/runs/1/rerun-failed-jobs'
    expect((await call(s, path, { method: 'POST' })).status).toBe(201)
    const second = await call(s, path, { method: 'POST' })
    expect(second.status).toBe(403)
    expect(second.body).toMatchObject({ message: 'This workflow is already running' })
    expect(s.state.repositories[0]?.runs[0]?.run_attempt).toBe(2)
  })

  it('answers 403 for a run created more than 30 days ago', async () => {
    const s = await start([failedRun({ created_at: '2026-10-22T11:00:00Z' })])
    const answer = await call(s, '/repos/acme/web/actions/runs/1/rerun-failed-jobs', {
      method: 'POST'
    })
    expect(answer.status).toBe(403)
    expect(answer.body).toMatchObject({
      message: 'Unable to retry this workflow run because it was created over a month ago'
    })
    expect(s.state.repositories[0]?.runs[0]?.run_attempt).toBe(1)
  })

  it('answers 403 at 50 attempts', async () => {
    const s = await start([failedRun({ run_attempt: 50 })])
    const answer = await call(s, '/repos/acme/web/actions/runs/1/rerun-failed-jobs', {
      method: 'POST'
    })
    expect(answer.status).toBe(403)
    expect((answer.body as { message: string }).message).toMatch(/maximum of 50 attempts/)
  })

  it('answers 403 to a token without actions: write', async () => {
    const s = await start([failedRun()])
    const answer = await call(s, '/repos/acme/web/actions/runs/1/rerun-failed-jobs', {
      method: 'POST',
      token: 'ghs_read'
    })
    expect(answer.status).toBe(403)
    expect(s.state.repositories[0]?.runs[0]?.run_attempt).toBe(1)
  })
})

describe('job logs', () => {
  it('redirects (302) to another origin that serves the log without the API token', async () => {
    const s = await start([failedRun()])
    const response = await fetch(`${s.url}/repos/acme/web/actions/jobs/102/logs`, {
      headers: { authorization: 'token ghs_write' },
      redirect: 'manual'
    })
    expect(response.status).toBe(302)
    const location = response.headers.get('location') ?? ''
    expect(new URL(location).origin).toBe(s.blobs.url)
    expect(new URL(location).origin).not.toBe(s.url)

    const log = await fetch(location)
    expect(log.status).toBe(200)
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await log.text()).toBe('ETIMEDOUT\n')
    expect(s.blobs.requests.map(r => r.authorization)).toEqual(['absent'])
    expect(s.violations).toEqual([])
  })

  it('records a violation and refuses when the token is sent to the log host', async () => {
    const s = await start([failedRun()])
    const response = await fetch(`${s.url}/repos/acme/web/actions/jobs/102/logs`, {
      headers: { authorization: 'token ghs_write' },
      redirect: 'manual'
    })
    const leaked = await fetch(response.headers.get('location') ?? '', {
      headers: { authorization: 'token ghs_write' }
    })
    expect(leaked.status).toBe(400)
    expect(s.blobs.requests.map(r => r.authorization)).toEqual(['present'])
    expect(s.violations.map(v => v.reason)).toEqual([
      'Authorization header sent to the log storage host'
    ])
  })

  it('refuses an expired or tampered URL', async () => {
    const s = await start([])
    const expired = s.blobs.put('old', -1)
    expect((await fetch(expired)).status).toBe(403)
    const fresh = s.blobs.put('new')
    expect((await fetch(fresh.replace(/sig=\w+/, 'sig=0'))).status).toBe(403)
    expect((await fetch(fresh)).status).toBe(200)
  })

  it('answers 404 for a job that has not completed, has no log any more, or does not exist', async () => {
    const s = await start([
      run({
        id: 2,
        jobs: [
          { id: 201, name: 'test', status: 'in_progress', conclusion: null },
          { id: 202, name: 'lint', status: 'completed', conclusion: 'failure' }
        ]
      })
    ])
    expect((await call(s, '/repos/acme/web/actions/jobs/201/logs')).status).toBe(404)
    expect((await call(s, '/repos/acme/web/actions/jobs/202/logs')).status).toBe(404)
    expect((await call(s, '/repos/acme/web/actions/jobs/999/logs')).status).toBe(404)
  })

  it('requires a token with actions: read', async () => {
    const s = await start([failedRun()])
    expect(
      (await call(s, '/repos/acme/web/actions/jobs/102/logs', { token: 'ghs_none' })).status
    ).toBe(403)
  })
})
