import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startSimulator, type Simulator } from '../../simulator/index.js'
import { call, links, run, runIds, scenario } from './helpers.js'

describe('workflows', () => {
  let sim: Simulator
  beforeAll(async () => {
    const world = scenario([
      run({ id: 1, workflow_id: 11 }),
      run({ id: 2, workflow_id: 14, status: 'completed', conclusion: 'success' }),
      run({ id: 3, workflow_id: 99, status: 'completed', conclusion: 'failure' })
    ])
    const web = world.repositories[0]
    if (web) {
      web.workflows = [
        { id: 11, name: 'CI', path: '.github/workflows/ci.yml' },
        { id: 12, name: 'Deploy', path: '.github/workflows/deploy.yml', state: 'disabled_fork' },
        { id: 13, name: 'Old', path: '.github/workflows/old.yml', state: 'deleted' },
        { id: 14, name: 'Legacy', path: '.github/workflows/legacy.yml', listed: false },
        ...Array.from({ length: 100 }, (_, i) => ({
          id: 100 + i,
          name: `W${i}`,
          path: `.github/workflows/w${i}.yml`,
          state: 'disabled_inactivity' as const
        }))
      ]
    }
    sim = await startSimulator({ scenario: world })
  })
  afterAll(async () => {
    await sim.close()
    expect(sim.violations).toEqual([])
  })

  it('should list every listed workflow with its state, 100 a page', async () => {
    const first = await call(sim, '/repos/acme/web/actions/workflows?per_page=100')
    const body = first.body as {
      total_count: number
      workflows: Array<{ id: number; state: string }>
    }
    expect(body.total_count).toBe(103)
    expect(body.workflows).toHaveLength(100)
    expect(body.workflows.slice(0, 3).map(w => [w.id, w.state])).toEqual([
      [11, 'active'],
      [12, 'disabled_fork'],
      [13, 'deleted']
    ])
    const next = links(first).next ?? ''
    const second = await call(sim, next.slice(next.indexOf('/repos/')))
    const rest = (second.body as { workflows: Array<{ id: number }> }).workflows
    expect(rest.map(w => w.id)).toEqual([197, 198, 199])
    expect(rest.some(w => w.id === 14)).toBe(false)
  })

  it('should keep the runs of a workflow no longer listed, with its name and path', async () => {
    const all = await call(sim, '/repos/acme/web/actions/runs')
    expect(runIds(all).sort()).toEqual([1, 2, 3])
    const runs = (
      all.body as { workflow_runs: Array<{ id: number; name: string | null; path: string }> }
    ).workflow_runs
    expect(runs.find(r => r.id === 2)).toMatchObject({
      name: 'Legacy',
      path: '.github/workflows/legacy.yml'
    })
    expect(runs.find(r => r.id === 3)).toMatchObject({ name: null, path: '' })
  })

  it('should answer 404 for a workflow no longer listed', async () => {
    expect((await call(sim, '/repos/acme/web/actions/workflows/14')).status).toBe(404)
    expect((await call(sim, '/repos/acme/web/actions/workflows/legacy.yml/runs')).status).toBe(404)
    expect((await call(sim, '/repos/acme/web/actions/workflows/13')).status).toBe(200)
  })
})
