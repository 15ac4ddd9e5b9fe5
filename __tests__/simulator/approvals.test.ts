import { afterEach, describe, expect, it } from '@jest/globals'
import { startSimulator, type ScenarioRun, type Simulator } from '../../simulator/index.js'
import { call, run, scenario } from './helpers.js'

/** A fork run waiting for approval, created `days` days before the scenario's 12:00 clock. */
function waiting(id: number, overrides: Partial<ScenarioRun> = {}, days = 1): ScenarioRun {
  return run({
    id,
    event: 'pull_request',
    status: 'completed',
    conclusion: 'action_required',
    head_branch: 'patch-1',
    head_repository: 'mallory/web',
    actor: 'mallory',
    created_at: new Date(Date.parse('2026-11-22T12:00:00Z') - days * 86_400_000)
      .toISOString()
      .replace('.000Z', 'Z'),
    ...overrides
  })
}

let sim: Simulator | undefined
afterEach(async () => {
  expect(sim?.violations ?? []).toEqual([])
  await sim?.close()
  sim = undefined
})

const runOf = (s: Simulator, id: number): ScenarioRun | undefined =>
  s.state.repositories[0]?.runs.find(r => r.id === id)
const approve = async (s: Simulator, id: number, token = 'ghs_write'): ReturnType<typeof call> =>
  await call(s, `/repos/acme/web/actions/runs/${id}/approve`, { method: 'POST', token })

describe('approving a workflow run', () => {
  it('queues a fork run that waits for approval and answers 201', async () => {
    sim = await startSimulator({ scenario: scenario([waiting(1)]) })
    const listed = await call(sim, '/repos/acme/web/actions/runs?status=action_required')
    expect((listed.body as { total_count: number }).total_count).toBe(1)
    const answer = await approve(sim, 1)
    expect(answer.status).toBe(201)
    expect(runOf(sim, 1)).toMatchObject({ status: 'queued', conclusion: null })
    const after = await call(sim, '/repos/acme/web/actions/runs?status=action_required')
    expect((after.body as { total_count: number }).total_count).toBe(0)
  })

  it('refuses a second approval with 403', async () => {
    sim = await startSimulator({ scenario: scenario([waiting(1)]) })
    expect((await approve(sim, 1)).status).toBe(201)
    const again = await approve(sim, 1)
    expect(again.status).toBe(403)
    expect(again.body).toMatchObject({ message: 'This workflow run is not waiting for approval' })
  })

  it('refuses a run that is not from a fork with 403', async () => {
    sim = await startSimulator({
      scenario: scenario([waiting(1, { head_repository: 'acme/web', actor: 'renovate[bot]' })])
    })
    const answer = await approve(sim, 1)
    expect(answer.status).toBe(403)
    expect(answer.body).toMatchObject({
      message: 'This run is not from a fork pull request or queued by the Actions bot'
    })
    expect(runOf(sim, 1)?.conclusion).toBe('action_required')
  })

  it('answers 404 for an unknown run and for one that waited more than 30 days (deleted)', async () => {
    sim = await startSimulator({ scenario: scenario([waiting(1, {}, 31)]) })
    expect((await approve(sim, 99)).status).toBe(404)
    expect((await approve(sim, 1)).status).toBe(404)
    expect(runOf(sim, 1)).toBeUndefined()
  })

  it('needs actions: write', async () => {
    sim = await startSimulator({ scenario: scenario([waiting(1)]) })
    const answer = await approve(sim, 1, 'ghs_read')
    expect(answer.status).toBe(403)
    expect(answer.body).toMatchObject({ message: 'Resource not accessible by integration' })
    expect(runOf(sim, 1)?.status).toBe('completed')
  })
})
