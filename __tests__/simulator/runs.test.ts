import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSimulator, type ScenarioRun, type Simulator } from '../../simulator/index.js'
import { call, links, run, runIds, scenario } from './helpers.js'

/** 75 runs, one per minute before 12:00, alternating status/conclusion, newest has the highest id. */
function manyRuns(): ScenarioRun[] {
  const kinds: [string, string | null][] = [
    ['completed', 'success'],
    ['completed', 'failure'],
    ['in_progress', null],
    ['completed', 'action_required'],
    ['queued', null]
  ]
  return Array.from({ length: 75 }, (_, i) => {
    const [status, conclusion] = kinds[i % kinds.length] as [string, string | null]
    return run({
      id: 10_000 + i,
      status,
      conclusion,
      created_at: new Date(Date.parse('2026-11-22T12:00:00Z') - (75 - i) * 60_000)
        .toISOString()
        .replace('.000Z', 'Z'),
      head_branch: i % 2 === 0 ? 'main' : 'feature/login',
      event: i % 3 === 0 ? 'pull_request' : 'push',
      actor: i % 4 === 0 ? 'bob' : 'alice',
      workflow_id: i % 5 === 0 ? 12 : 11
    })
  })
}

describe('workflow run listings', () => {
  let sim: Simulator

  beforeAll(async () => {
    sim = await startSimulator({ scenario: scenario(manyRuns()) })
  })
  afterAll(async () => {
    await sim.close()
  })

  it('pages 30 at a time by default, newest first', async () => {
    const first = await call(sim, '/repos/acme/web/actions/runs')
    expect((first.body as { total_count: number }).total_count).toBe(75)
    const ids = runIds(first)
    expect(ids).toHaveLength(30)
    expect(ids[0]).toBe(10_074)
    expect(ids[29]).toBe(10_045)
  })

  it("writes GitHub's Link header with absolute URLs that keep the query", async () => {
    const answer = await call(sim, '/repos/acme/web/actions/runs?per_page=10&page=2&branch=main')
    const url = (page: number): string =>
      `${sim.url}/repos/acme/web/actions/runs?per_page=10&page=${page}&branch=main`
    expect(answer.headers.get('link')).toBe(
      `<${url(1)}>; rel="prev", <${url(3)}>; rel="next", <${url(4)}>; rel="last", <${url(1)}>; rel="first"`
    )
  })

  it('links prev/next/last/first correctly across pages', async () => {
    const first = await call(sim, '/repos/acme/web/actions/runs?per_page=20')
    expect(Object.keys(links(first))).toEqual(['next', 'last'])
    expect(links(first)['last']).toBe(`${sim.url}/repos/acme/web/actions/runs?per_page=20&page=4`)
    const middle = await call(sim, '/repos/acme/web/actions/runs?per_page=20&page=2')
    expect(Object.keys(links(middle))).toEqual(['prev', 'next', 'last', 'first'])
    const last = await call(sim, '/repos/acme/web/actions/runs?per_page=20&page=4')
    expect(Object.keys(links(last))).toEqual(['prev', 'first'])
    expect(runIds(last)).toHaveLength(15)
  })

  it('follows Link next through every page, also under /api/v3', async () => {
    const seen: number[] = []
    let url: string | undefined = `${sim.url}/api/v3/repos/acme/web/actions/runs?per_page=7`
    while (url) {
      const answer = await call(sim, url.slice(sim.url.length))
      seen.push(...runIds(answer))
      url = links(answer)['next']
      if (url) expect(url.startsWith(`${sim.url}/api/v3/`)).toBe(true)
    }
    expect(seen).toHaveLength(75)
    expect(new Set(seen).size).toBe(75)
  })

  it('sends no Link when one page holds everything', async () => {
    const answer = await call(sim, '/repos/acme/web/actions/runs?per_page=100')
    expect(runIds(answer)).toHaveLength(75)
    expect(answer.headers.get('link')).toBeNull()
  })

  it.each([
    ['failure', 15],
    ['success', 15],
    ['completed', 45],
    ['in_progress', 15],
    ['queued', 15],
    ['action_required', 15]
  ])('status=%s matches status or conclusion (%i runs)', async (status, count) => {
    const answer = await call(sim, `/repos/acme/web/actions/runs?status=${status}&per_page=100`)
    expect((answer.body as { total_count: number }).total_count).toBe(count)
    for (const r of (answer.body as { workflow_runs: { status: string; conclusion: string }[] })
      .workflow_runs) {
      expect([r.status, r.conclusion]).toContain(status)
    }
  })

  it('filters by actor, branch, event and head_sha', async () => {
    const byActor = await call(sim, '/repos/acme/web/actions/runs?actor=bob&per_page=100')
    expect(runIds(byActor)).toHaveLength(19)
    const byBranch = await call(sim, '/repos/acme/web/actions/runs?branch=main&per_page=100')
    expect(runIds(byBranch)).toHaveLength(38)
    const byEvent = await call(sim, '/repos/acme/web/actions/runs?event=pull_request&per_page=100')
    expect(runIds(byEvent)).toHaveLength(25)
    const bySha = await call(sim, `/repos/acme/web/actions/runs?head_sha=${'b'.repeat(40)}`)
    expect(runIds(bySha)).toHaveLength(0)
  })

  it.each([
    ['>=2026-11-22T11:50:00Z', 10],
    ['>2026-11-22T11:50:00Z', 9],
    ['<2026-11-22T10:50:00Z', 5],
    ['<=2026-11-22T10:50:00Z', 6],
    ['2026-11-22T11:00:00Z..2026-11-22T11:09:00Z', 10],
    ['2026-11-22T11:50:00Z..*', 10],
    ['*..2026-11-22T10:50:00Z', 6],
    ['2026-11-22', 75],
    ['>2026-11-22', 0],
    ['>=2026-11-21', 75],
    ['<2026-11-22', 0]
  ])('created=%s keeps %i runs', async (created, count) => {
    const query = new URLSearchParams({ created, per_page: '100' })
    const answer = await call(sim, `/repos/acme/web/actions/runs?${query.toString()}`)
    expect((answer.body as { total_count: number }).total_count).toBe(count)
  })

  it('answers 422 with a violation for unreadable created values', async () => {
    const answer = await call(sim, '/repos/acme/web/actions/runs?created=yesterday')
    expect(answer.status).toBe(422)
    expect(sim.violations[sim.violations.length - 1]?.errors[0]).toMatch(/created/)
  })

  it('lists one workflow by numeric id or file name', async () => {
    const byFile = await call(sim, '/repos/acme/web/actions/workflows/deploy.yml/runs?per_page=100')
    const byId = await call(sim, '/repos/acme/web/actions/workflows/12/runs?per_page=100')
    expect(runIds(byFile)).toHaveLength(15)
    expect(runIds(byId)).toEqual(runIds(byFile))
  })

  it('empties pull_requests with exclude_pull_requests', async () => {
    const local = await startSimulator({
      scenario: scenario([
        run({
          pull_requests: [
            { number: 3, head: { ref: 'f', sha: 'c'.repeat(40) }, base: { ref: 'main' } }
          ]
        })
      ])
    })
    const withPrs = await call(local, '/repos/acme/web/actions/runs')
    const body = withPrs.body as { workflow_runs: { pull_requests: unknown[] }[] }
    expect(body.workflow_runs[0]?.pull_requests).toEqual([
      expect.objectContaining({ number: 3, head: expect.objectContaining({ ref: 'f' }) })
    ])
    const without = await call(local, '/repos/acme/web/actions/runs?exclude_pull_requests=true')
    expect((without.body as typeof body).workflow_runs[0]?.pull_requests).toEqual([])
    await local.close()
  })
})

describe('the 1,000-result cap', () => {
  let sim: Simulator

  beforeAll(async () => {
    const runs = Array.from({ length: 1150 }, (_, i) =>
      run({ id: 100_000 + i, created_at: '2026-11-22T10:00:00Z' })
    )
    sim = await startSimulator({ scenario: scenario(runs) })
  })
  afterAll(async () => {
    await sim.close()
  })

  it('stops filtered listings after 1,000 runs but reports the true total_count', async () => {
    const page10 = await call(
      sim,
      '/repos/acme/web/actions/runs?status=in_progress&per_page=100&page=10'
    )
    expect((page10.body as { total_count: number }).total_count).toBe(1150)
    expect(runIds(page10)).toHaveLength(100)
    expect(links(page10)['next']).toBeUndefined()
    expect(links(page10)['last']).toBeUndefined()
    const page11 = await call(
      sim,
      '/repos/acme/web/actions/runs?status=in_progress&per_page=100&page=11'
    )
    expect(runIds(page11)).toHaveLength(0)
    expect((page11.body as { total_count: number }).total_count).toBe(1150)
    const partial = await call(sim, '/repos/acme/web/actions/runs?branch=main&per_page=30&page=34')
    expect(runIds(partial)).toHaveLength(10)
  })

  it('does not cap unfiltered listings', async () => {
    const page12 = await call(sim, '/repos/acme/web/actions/runs?per_page=100&page=12')
    expect(runIds(page12)).toHaveLength(50)
    expect(runIds(page12)[49]).toBe(100_000)
  })
})

describe('cancel and force-cancel', () => {
  it('cancels an active run at once with 202 {} and answers 409 once completed', async () => {
    const sim = await startSimulator({
      scenario: scenario([
        run({ id: 1, jobs: [{ id: 9, name: 'build', status: 'in_progress', conclusion: null }] })
      ])
    })
    const first = await call(sim, '/repos/acme/web/actions/runs/1/cancel', { method: 'POST' })
    expect(first.status).toBe(202)
    expect(first.body).toEqual({})
    const state = sim.state.repositories[0]?.runs[0]
    expect(state).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled',
      updated_at: '2026-11-22T12:00:00Z'
    })
    expect(state?.jobs[0]).toMatchObject({ status: 'completed', conclusion: 'cancelled' })
    const second = await call(sim, '/repos/acme/web/actions/runs/1/cancel', { method: 'POST' })
    expect(second.status).toBe(409)
    expect(second.body).toEqual({
      message: 'Cannot cancel a workflow run that is completed.',
      documentation_url: 'https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run',
      status: '409'
    })
    const force = await call(sim, '/repos/acme/web/actions/runs/1/force-cancel', { method: 'POST' })
    expect(force.status).toBe(409)
    await sim.close()
  })

  it('leaves a stuck run active on cancel; force-cancel completes it', async () => {
    const sim = await startSimulator({ scenario: scenario([run({ id: 2, on_cancel: 'ignore' })]) })
    const cancel = await call(sim, '/repos/acme/web/actions/runs/2/cancel', { method: 'POST' })
    expect(cancel.status).toBe(202)
    const stuck = sim.state.repositories[0]?.runs[0]
    expect(stuck).toMatchObject({
      status: 'in_progress',
      cancel_requests: 1,
      cancel_requested_at: '2026-11-22T12:00:00Z'
    })
    const force = await call(sim, '/repos/acme/web/actions/runs/2/force-cancel', { method: 'POST' })
    expect(force.status).toBe(202)
    expect(sim.state.repositories[0]?.runs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'cancelled'
    })
    await sim.close()
  })

  it('completes a completes_after_listed run right after its first listing', async () => {
    const sim = await startSimulator({
      scenario: scenario([run({ id: 3, completes_after_listed: true })])
    })
    const listed = await call(sim, '/repos/acme/web/actions/runs?status=in_progress')
    expect(runIds(listed)).toEqual([3])
    const cancel = await call(sim, '/repos/acme/web/actions/runs/3/cancel', { method: 'POST' })
    expect(cancel.status).toBe(409)
    expect(sim.state.repositories[0]?.runs[0]).toMatchObject({
      status: 'completed',
      conclusion: 'success'
    })
    await sim.close()
  })
})

describe('jobs', () => {
  it('lists the latest attempt by default and every attempt with filter=all', async () => {
    const sim = await startSimulator({
      scenario: scenario([
        run({
          id: 4,
          run_attempt: 2,
          status: 'completed',
          conclusion: 'failure',
          jobs: [
            { id: 41, name: 'test', status: 'completed', conclusion: 'failure', run_attempt: 1 },
            { id: 42, name: 'test', status: 'completed', conclusion: 'failure', run_attempt: 2 }
          ]
        })
      ])
    })
    const latest = await call(sim, '/repos/acme/web/actions/runs/4/jobs')
    expect(latest.body).toMatchObject({
      total_count: 1,
      jobs: [
        {
          id: 42,
          run_id: 4,
          run_attempt: 2,
          name: 'test',
          status: 'completed',
          conclusion: 'failure',
          html_url: 'https://github.com/acme/web/actions/runs/4/job/42'
        }
      ]
    })
    const all = await call(sim, '/repos/acme/web/actions/runs/4/jobs?filter=all')
    expect((all.body as { total_count: number }).total_count).toBe(2)
    const attempt = await call(sim, '/repos/acme/web/actions/runs/4/attempts/1/jobs')
    expect(attempt.body).toMatchObject({ total_count: 1, jobs: [{ id: 41 }] })
    await sim.close()
  })
})
