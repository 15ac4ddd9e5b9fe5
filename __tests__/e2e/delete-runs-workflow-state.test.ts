/**
 * delete-runs `workflow-state`: only runs whose workflow is in those states are targets, a run
 * whose workflow GitHub no longer lists counts as `deleted`, and the workflows are listed once per
 * repository, only when the input is set and a run would otherwise be deleted.
 */
import { describe, expect, it } from '@jest/globals'
import { completedRun, daysAgo } from '../../__fixtures__/clean-up.js'
import { repository, scenario } from '../../__fixtures__/scenario.js'
import type { ScenarioRepository, ScenarioRun, Simulator } from '../../simulator/index.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

/**
 * `fullName` (ids from `first`), every run on main and older than 30 days, two or three per
 * workflow, so that keep-latest 1 keeps the newest of each:
 * - ci.yml (11, active): `first`, `first + 1`;
 * - deploy.yml (12, disabled_manually): `first + 2`, `first + 3`;
 * - old.yml (13, listed as deleted): `first + 4`, `first + 5`;
 * - legacy.yml (14, its file removed: no longer listed): `first + 6`, `first + 7`, `first + 8`;
 * - workflow 15, unknown to the repository: `first + 9`, `first + 10`.
 */
function repo(fullName: string, first: number, id: number): ScenarioRepository {
  const at = (offset: number, workflow: number, days: number, minutes = 0): ScenarioRun =>
    completedRun(days, {
      id: first + offset,
      workflow_id: workflow,
      head_repository: fullName,
      created_at: daysAgo(days, -minutes)
    })
  const built = repository(
    fullName,
    [
      at(0, 11, 40),
      at(1, 11, 35),
      at(2, 12, 40, 1),
      at(3, 12, 35, 1),
      at(4, 13, 40, 2),
      at(5, 13, 35, 2),
      at(6, 14, 40, 3),
      at(7, 14, 38, 3),
      at(8, 14, 35, 3),
      at(9, 15, 40, 4),
      at(10, 15, 35, 4)
    ],
    id
  )
  built.workflows = [
    { id: 11, name: 'CI', path: '.github/workflows/ci.yml', state: 'active' },
    { id: 12, name: 'Deploy', path: '.github/workflows/deploy.yml', state: 'disabled_manually' },
    { id: 13, name: 'Old', path: '.github/workflows/old.yml', state: 'deleted' },
    { id: 14, name: 'Legacy', path: '.github/workflows/legacy.yml', listed: false }
  ]
  return built
}

const outcomes = (result: ActionRun): Array<[number | string, string]> =>
  result.result.map(r => [r.id, r.outcome])
const workflowListings = (s: Simulator): string[] =>
  s.requests.filter(r => r.operationId === 'actions/list-repo-workflows').map(r => r.path)

async function deleteRuns(
  s: Simulator,
  inputs: Record<string, string>,
  options: { bundle?: boolean; token?: string } = {}
): Promise<ActionRun> {
  return runAction({
    apiUrl: s.url,
    ...options,
    with: { operation: 'delete-runs', 'older-than': '30d', ...inputs }
  })
}

describe('delete-runs with workflow-state', () => {
  it('should delete the runs of deleted and removed workflows, keeping the newest of each, planning in a dry run what it then deletes', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const dry = await deleteRuns(s, { 'workflow-state': 'deleted', 'dry-run': 'true' })
    expect(dry.exitCode).toBe(0)
    const real = await deleteRuns(s, { 'workflow-state': 'deleted' }, { bundle: true })
    expect(real.exitCode).toBe(0)
    // Oldest first: old.yml's, legacy.yml's two (its newest kept), workflow 15's.
    expect(outcomes(real)).toEqual([
      [5, 'done'],
      [7, 'done'],
      [10, 'done'],
      [8, 'done']
    ])
    expect(outcomes(dry)).toEqual(outcomes(real).map(([id]) => [id, 'planned']))
    expect(dry.result.map(r => r.reason)).toEqual(real.result.map(r => r.reason))
    expect(s.state.repositories[0]?.runs.map(r => r.id).sort((a, b) => a - b)).toEqual([
      1, 2, 3, 4, 6, 9, 11
    ])
    // Each invocation: the runs, the workflows (once), the open pull requests; then the deletes.
    expect(s.requests.filter(r => r.method === 'GET').map(r => r.path)).toEqual([
      '/repos/acme/web/actions/runs',
      '/repos/acme/web/actions/workflows',
      '/repos/acme/web/pulls',
      '/repos/acme/web/actions/runs',
      '/repos/acme/web/actions/workflows',
      '/repos/acme/web/pulls'
    ])
    expect(s.requests[1]?.query).toMatchObject({ per_page: '100' })
  })

  it.each<[string, string, number[]]>([
    ['active', 'active', [1]],
    ['disabled_manually', 'disabled_manually', [3]],
    [
      'active, disabled_manually, disabled_inactivity',
      'active, disabled_manually, disabled_inactivity',
      [1, 3]
    ],
    ['active, with keep-latest 0', 'active', [1, 2]]
  ])('workflow-state %s: only the runs of workflows in those states', async (name, states, ids) => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const keepNone: Record<string, string> = name.endsWith('keep-latest 0')
      ? { 'keep-latest': '0' }
      : {}
    const result = await deleteRuns(s, { 'workflow-state': states, 'dry-run': 'true', ...keepNone })
    expect(result.result.map(r => r.id)).toEqual(ids)
  })

  it('should read no workflows when the input is unset, nor when nothing would be deleted', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const unset = await deleteRuns(s, { 'dry-run': 'true' })
    expect(unset.result).toHaveLength(6)
    expect(workflowListings(s)).toEqual([])
    // No run older than 50 days: the one listing of the runs, nothing else.
    const before = s.requests.length
    const none = await deleteRuns(s, { 'older-than': '50d', 'workflow-state': 'deleted' })
    expect(none.result).toEqual([])
    expect(s.requests.slice(before).map(r => r.path)).toEqual(['/repos/acme/web/actions/runs'])
    // keep-latest 3 keeps every run (no group has more): the workflows decide nothing.
    const kept = await deleteRuns(s, {
      'keep-latest': '3',
      'workflow-state': 'deleted',
      'dry-run': 'true'
    })
    expect(kept.result).toEqual([])
    expect(workflowListings(s)).toEqual([])
  })

  it('should list the workflows on every page', async () => {
    const world = scenario(repo('acme/web', 1, 101))
    const web = world.repositories[0]
    web?.workflows.push(
      ...Array.from({ length: 120 }, (_, i) => ({
        id: 1000 + i,
        name: `W${i}`,
        path: `.github/workflows/w${i}.yml`
      }))
    )
    const s = await simulate(world)
    const result = await deleteRuns(s, { 'workflow-state': 'deleted', 'dry-run': 'true' })
    expect(result.result).toHaveLength(4)
    expect(workflowListings(s)).toEqual([
      '/repos/acme/web/actions/workflows',
      '/repos/acme/web/actions/workflows'
    ])
  })

  it('should skip a run named by run-id whose workflow is in another state, and delete one of a removed workflow', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const active = await deleteRuns(s, { 'workflow-state': 'deleted', 'run-id': '1' })
    expect(active.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
      [1, 'skipped', '.github/workflows/ci.yml is active, not in workflow-state']
    ])
    const unknown = await deleteRuns(s, { 'workflow-state': 'active', 'run-id': '10' })
    expect(unknown.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
      [10, 'skipped', 'workflow 15 is deleted, not in workflow-state']
    ])
    const removed = await deleteRuns(s, { 'workflow-state': 'deleted', 'run-id': '9' })
    expect(removed.result.map(r => [r.id, r.outcome])).toEqual([[9, 'done']])
    expect(workflowListings(s)).toHaveLength(3)
  })

  it('should settle the newest runs of a workflow no longer listed from the repository listing', async () => {
    // 350 ci.yml runs of the last 20 days: the newest page does not reach the cut-off, and the
    // rest of it is more pages than one listing per workflow and branch, which for legacy.yml
    // (no longer listed) answers 404.
    const recent = Array.from({ length: 350 }, (_, i) =>
      completedRun(0, { id: 1000 + i, created_at: daysAgo(0, 10 + i * 80) })
    )
    const legacy = [40, 39].map((days, i) => completedRun(days, { id: 2000 + i, workflow_id: 14 }))
    const web = repository('acme/web', [...recent, ...legacy])
    web.workflows.push({
      id: 14,
      name: 'Legacy',
      path: '.github/workflows/legacy.yml',
      listed: false
    })
    const s = await simulate(scenario(web))
    const result = await deleteRuns(s, { 'workflow-state': 'deleted', 'dry-run': 'true' })
    expect(result.exitCode).toBe(0)
    expect(result.result.map(r => [r.id, r.outcome])).toEqual([[2000, 'planned']])
    expect(
      s.requests
        .filter(r => r.path === '/repos/acme/web/actions/workflows/14/runs')
        .map(r => r.status)
    ).toEqual([404])
  })

  it.each([['removed'], ['Active'], ['deleted, enabled']])(
    'should refuse workflow-state %j before any request, naming the input',
    async value => {
      const s = await simulate(scenario(repo('acme/web', 1, 101)))
      const result = await deleteRuns(s, { 'workflow-state': value })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain("::error::Input 'workflow-state': ")
      expect(result.stdout).toContain("Example: 'workflow-state: deleted'")
      expect(s.requests).toHaveLength(0)
    }
  )

  it('should apply over acme/*, listing the workflows only of the repositories with a run to delete', async () => {
    const quiet = repository(
      'acme/docs',
      [completedRun(40, { id: 50, head_repository: 'acme/docs' })],
      103
    )
    const world = scenario(repo('acme/web', 1, 101), repo('acme/api', 21, 102), quiet)
    world.tokens.ghs_sweeper = {
      login: 'sweeper[bot]',
      kind: 'app',
      permissions: { actions: 'write', pull_requests: 'read', metadata: 'read' }
    }
    const s = await simulate(world)
    const result = await deleteRuns(
      s,
      { repository: 'acme/*', 'workflow-state': 'deleted, disabled_manually' },
      { token: 'ghs_sweeper' }
    )
    expect(result.exitCode).toBe(0)
    expect(result.result.map(r => [r.repository, r.id, r.outcome])).toEqual([
      ['acme/api', 23, 'done'],
      ['acme/api', 25, 'done'],
      ['acme/api', 27, 'done'],
      ['acme/api', 30, 'done'],
      ['acme/api', 28, 'done'],
      ['acme/web', 3, 'done'],
      ['acme/web', 5, 'done'],
      ['acme/web', 7, 'done'],
      ['acme/web', 10, 'done'],
      ['acme/web', 8, 'done']
    ])
    expect(workflowListings(s)).toEqual([
      '/repos/acme/api/actions/workflows',
      '/repos/acme/web/actions/workflows'
    ])
  })
})
