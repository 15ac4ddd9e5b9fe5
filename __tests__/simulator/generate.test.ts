import { describe, expect, it } from '@jest/globals'
import {
  demoScenario,
  generateOrganization,
  generateScenario,
  mulberry32,
  parseScenario,
  rebaseScenario,
  startSimulator
} from '../../simulator/index.js'
import { call } from './helpers.js'

describe('rebaseScenario', () => {
  it("moves every timestamp so the scenario's clock reads the given time, keeping ages", () => {
    const original = generateScenario({
      seed: 5,
      runsPerRepository: 50,
      now: '2026-01-10T12:00:00Z'
    })
    const moved = rebaseScenario(original, new Date('2026-03-01T12:00:00Z'))
    const shift = Date.parse('2026-03-01T12:00:00Z') - Date.parse('2026-01-10T12:00:00Z')
    expect(moved.now).toBeUndefined()
    const before = original.repositories[0]?.runs ?? []
    const after = moved.repositories[0]?.runs ?? []
    expect(after).toHaveLength(before.length)
    after.forEach((run, i) => {
      expect(Date.parse(run.created_at) - Date.parse(before[i]?.created_at ?? '')).toBe(shift)
      expect(run.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      expect(run.head_sha).toBe(before[i]?.head_sha)
    })
    // The original is left as it was.
    expect(original.now).toBe('2026-01-10T12:00:00Z')
  })
})

describe('generateScenario', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateScenario({ seed: 7, repositories: 2, runsPerRepository: 120 })
    const b = generateScenario({ seed: 7, repositories: 2, runsPerRepository: 120 })
    const c = generateScenario({ seed: 8, repositories: 2, runsPerRepository: 120 })
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
    expect(mulberry32(1)()).toBe(mulberry32(1)())
  })

  it('produces valid, realistic runs', () => {
    const s = generateScenario({ seed: 3, runsPerRepository: 400 })
    expect(() => parseScenario(JSON.parse(JSON.stringify(s)))).not.toThrow()
    const runs = s.repositories[0]?.runs ?? []
    expect(runs).toHaveLength(400)
    expect(new Set(runs.map(r => r.id)).size).toBe(400)
    const statuses = new Set(runs.map(r => r.status))
    for (const status of ['completed', 'in_progress', 'queued']) expect(statuses).toContain(status)
    const conclusions = new Set(runs.map(r => r.conclusion))
    for (const c of ['success', 'failure', 'cancelled', 'timed_out'])
      expect(conclusions).toContain(c)
    expect(new Set(runs.map(r => r.event))).toEqual(
      new Set(['push', 'pull_request', 'schedule', 'workflow_dispatch'])
    )
    const forks = runs.filter(r => !r.head_repository.startsWith('acme/'))
    expect(forks.length).toBeGreaterThan(0)
    expect(forks.every(r => r.pull_requests?.length === 0)).toBe(true)
    expect(runs.every(r => /^[0-9a-f]{40}$/.test(r.head_sha))).toBe(true)
    // Superseded runs: some (workflow, event, branch, head repository) group has several active runs.
    const groups = new Map<string, number>()
    for (const r of runs.filter(r => r.status !== 'completed')) {
      const key = `${r.workflow_id}|${r.event}|${r.head_branch}|${r.head_repository}`
      groups.set(key, (groups.get(key) ?? 0) + 1)
    }
    expect(Math.max(...groups.values())).toBeGreaterThan(1)
  })

  it('forces an exact number of active runs', () => {
    const s = generateScenario({ seed: 1, runsPerRepository: 10, activeRuns: 1200, jobs: false })
    const runs = s.repositories[0]?.runs ?? []
    expect(runs).toHaveLength(1200)
    expect(runs.filter(r => r.status !== 'completed')).toHaveLength(1200)
  })

  it('rejects a negative run count', () => {
    expect(() => generateScenario({ seed: 1, runsPerRepository: -1 })).toThrow(/runsPerRepository/)
  })
})

describe('demo scenario', () => {
  it('loads acme/web and acme/api with fork runs and serves them', async () => {
    const demo = demoScenario()
    expect(demo.repositories.map(r => `${r.owner}/${r.name}`)).toEqual(['acme/web', 'acme/api'])
    const runs = demo.repositories.flatMap(r => r.runs)
    expect(runs.length).toBeGreaterThanOrEqual(200)
    expect(runs.some(r => r.head_repository.split('/')[0] !== 'acme')).toBe(true)
    const sim = await startSimulator({ scenario: demo })
    const answer = await call(sim, '/repos/acme/api/actions/runs?status=in_progress')
    expect(answer.status).toBe(200)
    await sim.close()
  })
})

describe('generateOrganization', () => {
  it('spreads the repositories with work evenly, with unique ids, and is deterministic', () => {
    const options = { seed: 3, repositories: 50, withWork: 5, quietActiveRuns: 2 }
    const org = generateOrganization(options)
    expect(generateOrganization(options)).toEqual(org)
    expect(parseScenario(JSON.parse(JSON.stringify(org)))).toEqual(org)
    const names = org.repositories.map(repo => repo.name)
    expect(names.filter(name => name.startsWith('svc-'))).toEqual([
      'svc-0001',
      'svc-0011',
      'svc-0021',
      'svc-0031',
      'svc-0041'
    ])
    expect(org.organizations).toEqual([{ login: 'acme' }])
    const runIds = org.repositories.flatMap(repo => repo.runs.map(run => run.id))
    expect(new Set(runIds).size).toBe(runIds.length)
    const quiet = org.repositories.find(repo => repo.name === 'repo-0002')
    expect(quiet?.runs.map(run => run.status)).toEqual([
      'completed',
      'completed',
      'completed',
      'in_progress',
      'in_progress'
    ])
    const busy = org.repositories.find(repo => repo.name === 'svc-0011')
    expect(busy?.runs).toHaveLength(60)
    expect(
      busy?.runs
        .filter(run => run.head_repository.startsWith('acme/'))
        .every(run => run.head_repository === 'acme/svc-0011')
    ).toBe(true)
  })

  it('refuses more repositories with work than repositories', () => {
    expect(() => generateOrganization({ seed: 1, repositories: 2, withWork: 3 })).toThrow(
      /withWork \(3\) exceeds repositories \(2\)/
    )
  })
})
