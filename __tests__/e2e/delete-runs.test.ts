import { describe, expect, it } from '@jest/globals'
import { artifact, completedRun, daysAgo } from '../../__fixtures__/clean-up.js'
import { onArrival, repository, run, scenario } from '../../__fixtures__/scenario.js'
import type { Scenario, Simulator } from '../../simulator/index.js'
import { deleteRuns } from '../lib/operations.js'
import { outcomes } from '../lib/results.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

/**
 * acme/web, runs by group:
 * - ci.yml on main: 1 (40 days, a scheduled run), 2 (35 days, failed), 3 (32 days, pushed by
 *   Dependabot), 4 (1 day): 1–3 are older than 30 days and 4 is newer, so all three go.
 * - ci.yml on dev: 5 (40 days, failed), 6 (35 days): 6 is the newest of its group and stays.
 * - ci.yml on main of the fork mallory/web: 7 (38 days), the newest of its own group.
 * - deploy.yml on main: 8 (33 days), the newest of its group.
 * - 9: an active run created 45 days ago; 10: a completed run on feature/x created 2 days ago.
 * Runs 1 and 6 uploaded an artifact each.
 */
function world(): Scenario {
  const runs = [
    completedRun(40, { id: 1, event: 'schedule' }),
    completedRun(35, { id: 2, conclusion: 'failure' }),
    completedRun(32, { id: 3, actor: 'dependabot[bot]' }),
    completedRun(1, { id: 4 }),
    completedRun(40, { id: 5, head_branch: 'dev', conclusion: 'failure' }),
    completedRun(35, { id: 6, head_branch: 'dev' }),
    completedRun(38, {
      id: 7,
      event: 'pull_request',
      head_repository: 'mallory/web',
      actor: 'mallory'
    }),
    completedRun(33, { id: 8, workflow_id: 12 }),
    run({ id: 9, status: 'in_progress', created_at: daysAgo(45) }),
    completedRun(2, { id: 10, head_branch: 'feature/x' })
  ]
  const web = repository('acme/web', runs)
  web.artifacts = [artifact({ id: 1 }, 'build', 40), artifact({ id: 6 }, 'build', 35)]
  return scenario(web)
}

const runIds = (s: Simulator): number[] =>
  (s.state.repositories[0]?.runs ?? []).map(r => r.id).sort((a, b) => a - b)
const deletes = (s: Simulator): number =>
  s.requestCount({ operationId: 'actions/delete-workflow-run' })

describe('delete-runs', () => {
  describe('with older-than 30d and the default keep-latest 1', () => {
    it('should plan in a dry run exactly what the real run then deletes, oldest first', async () => {
      const s = await simulate(world())
      const dry = await deleteRuns(s, { 'older-than': '30d', 'dry-run': 'true' })
      expect(dry.exitCode).toBe(0)
      expect(deletes(s)).toBe(0)
      expect(runIds(s)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
      const real = await deleteRuns(s, { 'older-than': '30d' }, true)
      expect(real.exitCode).toBe(0)

      expect(dry.result.map(r => [r.id, r.outcome])).toEqual([
        [1, 'planned'],
        [5, 'planned'],
        [2, 'planned'],
        [3, 'planned']
      ])
      expect(outcomes(real)).toEqual([
        [1, 'done', 'created 40d ago, conclusion success'],
        [5, 'done', 'created 40d ago, conclusion failure'],
        [2, 'done', 'created 35d ago, conclusion failure'],
        [3, 'done', 'created 32d ago, conclusion success']
      ])
      expect(dry.result.map(r => r.reason)).toEqual(real.result.map(r => r.reason))
      expect(real.result[0]).toMatchObject({
        repository: 'acme/web',
        kind: 'run',
        action: 'delete',
        url: 'https://github.com/acme/web/actions/runs/1'
      })
      expect(runIds(s)).toEqual([4, 6, 7, 8, 9, 10])
      // A deleted run takes its artifacts with it.
      expect(s.state.repositories[0]?.artifacts?.map(a => a.run_id)).toEqual([6])
      expect(real.outputs).toMatchObject({ count: '4', 'run-ids': '1,5,2,3' })
      expect(real.summary).toContain('done: 4')
      // One page holds every completed run: one listing, the open pull requests, one DELETE per run.
      const sent = s.requests.slice(s.requests.length - 6)
      expect(sent.map(r => `${r.method} ${r.path}`)).toEqual([
        'GET /repos/acme/web/actions/runs',
        'GET /repos/acme/web/pulls',
        'DELETE /repos/acme/web/actions/runs/1',
        'DELETE /repos/acme/web/actions/runs/5',
        'DELETE /repos/acme/web/actions/runs/2',
        'DELETE /repos/acme/web/actions/runs/3'
      ])
      expect(sent[0]?.query).toMatchObject({ status: 'completed', per_page: '100' })
    })
  })

  describe('when filters pick runs within their groups', () => {
    it('should keep the newest run of a group even when it does not pass conclusions', async () => {
      const s = await simulate(world())
      const result = await deleteRuns(s, { 'older-than': '30d', conclusions: 'failure' })
      expect(outcomes(result).map(([id]) => id)).toEqual([5, 2])
      expect(runIds(s)).toEqual([1, 3, 4, 6, 7, 8, 9, 10])
    })

    it('should delete only the runs of the actor and event asked for', async () => {
      const s = await simulate(world())
      const result = await deleteRuns(s, {
        'older-than': '30d',
        actor: 'dependabot[bot]',
        event: 'push'
      })
      expect(outcomes(result).map(([id]) => id)).toEqual([3])
    })

    it('should narrow to whole groups by workflow, and keep none with keep-latest 0', async () => {
      const s = await simulate(world())
      const result = await deleteRuns(s, {
        'older-than': '30d',
        workflow: 'deploy.yml',
        'keep-latest': '0'
      })
      expect(outcomes(result).map(([id]) => id)).toEqual([8])
      expect(s.requests.filter(r => r.method === 'GET').map(r => r.path)).toEqual([
        '/repos/acme/web/actions/workflows/deploy.yml/runs',
        '/repos/acme/web/pulls'
      ])
    })

    it('should leave excluded branches and runs younger than older-than alone', async () => {
      const s = await simulate(world())
      const result = await deleteRuns(s, { 'older-than': '34d', 'exclude-branch': 'dev' })
      expect(outcomes(result).map(([id]) => id)).toEqual([1, 2])
    })

    it('should take runs of any age with older-than 0s', async () => {
      const s = await simulate(world())
      const result = await deleteRuns(s, {
        'older-than': '0s',
        branch: 'feature/*',
        'keep-latest': '0'
      })
      expect(outcomes(result).map(([id]) => id)).toEqual([10])
    })
  })

  describe('when run-id names one run', () => {
    it('should delete it even when it is the newest of its group', async () => {
      const s = await simulate(world())
      const result = await deleteRuns(s, { 'older-than': '30d', 'run-id': '8' })
      expect(outcomes(result)).toEqual([
        [8, 'done', 'named by run-id; created 33d ago, conclusion success']
      ])
      expect(runIds(s)).not.toContain(8)
      expect(deletes(s)).toBe(1)
    })

    it('should skip it while it is still running', async () => {
      const s = await simulate(world())
      const result = await deleteRuns(s, { 'older-than': '30d', 'run-id': '9' })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([[9, 'skipped', 'still running']])
      expect(deletes(s)).toBe(0)
    })

    it('should skip it when it is younger than older-than', async () => {
      const s = await simulate(world())
      const result = await deleteRuns(s, { 'older-than': '30d', 'run-id': '4' })
      expect(outcomes(result)).toEqual([
        [4, 'skipped', 'created 1d ago, not older than 30d (older-than)']
      ])
      expect(deletes(s)).toBe(0)
    })
  })

  describe('when limit is below the targets', () => {
    it('should delete the oldest first and skip the rest as limit reached', async () => {
      const s = await simulate(world())
      const result = await deleteRuns(s, { 'older-than': '30d', limit: '2' })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [1, 'done', 'created 40d ago, conclusion success'],
        [5, 'done', 'created 40d ago, conclusion failure'],
        [2, 'skipped', 'limit reached'],
        [3, 'skipped', 'limit reached']
      ])
      expect(deletes(s)).toBe(2)
      expect(result.stdout).toContain('Raise the `limit` input')
    })
  })

  describe('when runs change between listing and deleting', () => {
    it('should report a run gone as already deleted, a re-run one as still running, and a lost answer as done', async () => {
      const s = await simulate(world())
      // Run 1's answer is lost after GitHub deleted it; run 5 is deleted by someone else and run
      // 2 re-run as soon as the first DELETE arrives.
      s.faults.add({
        operationId: 'actions/delete-workflow-run',
        path: '/repos/acme/web/actions/runs/1',
        times: 1,
        kind: 'status',
        status: 502,
        after: 'after-handler'
      })
      let changed = false
      onArrival(s, request => {
        if (changed || request.method !== 'DELETE') return
        changed = true
        const runs = s.state.repositories[0]?.runs ?? []
        runs.splice(
          runs.findIndex(r => r.id === 5),
          1
        )
        const rerun = runs.find(r => r.id === 2)
        if (rerun) rerun.status = 'queued'
      })
      const result = await deleteRuns(s, { 'older-than': '30d' })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [1, 'done', 'created 40d ago, conclusion success'],
        [5, 'skipped', 'already deleted'],
        [2, 'skipped', 'still running'],
        [3, 'done', 'created 32d ago, conclusion success']
      ])
      // Run 1 was read back (404) instead of being deleted twice.
      expect(s.requests.filter(r => r.path === '/repos/acme/web/actions/runs/1')).toHaveLength(2)
      expect(runIds(s)).toEqual([2, 4, 6, 7, 8, 9, 10])
    })
  })

  describe('when a group has more runs than GitHub lists at once', () => {
    it('should list past the 1,000-result cap and read only the groups the newest page left open', async () => {
      // ci.yml on main: 1,100 runs older than 30 days and 350 newer; ci.yml on dev: 3 old runs
      // only; deploy.yml on main: 2 old runs and 1 newer one, 20 days old.
      const old = Array.from({ length: 1100 }, (_, i) =>
        completedRun(31, { id: 20_000 + i, created_at: daysAgo(31, i * 36) })
      )
      const recent = Array.from({ length: 350 }, (_, i) =>
        completedRun(0, { id: 30_000 + i, created_at: daysAgo(0, 10 + i * 40) })
      )
      const dev = [1, 2, 3].map(i =>
        completedRun(40, { id: 40_000 + i, head_branch: 'dev', created_at: daysAgo(40, i) })
      )
      const deploy = [
        completedRun(45, { id: 50_001, workflow_id: 12 }),
        completedRun(44, { id: 50_002, workflow_id: 12 }),
        completedRun(20, { id: 50_003, workflow_id: 12 })
      ]
      const s = await simulate(
        scenario(repository('acme/web', [...old, ...recent, ...dev, ...deploy]))
      )
      const result = await deleteRuns(s, { 'older-than': '30d', 'dry-run': 'true', limit: '5000' })
      expect(result.exitCode).toBe(0)
      const planned = new Set(result.result.filter(r => r.outcome === 'planned').map(r => r.id))
      expect(planned.size).toBe(1104)
      expect(result.result).toHaveLength(1104)
      for (const kept of [40_001, 50_003, ...recent.map(r => r.id)])
        expect(planned.has(kept)).toBe(false)
      for (const gone of [20_000, 21_099, 40_002, 40_003, 50_001, 50_002])
        expect(planned.has(gone)).toBe(true)
      // The newest page, every page of the runs before the cut-off (two series past the cap),
      // and one listing for each of the two groups that page left open.
      const listings = s.requests.filter(r => r.method === 'GET')
      expect(listings.length).toBeLessThanOrEqual(16) // and the open pull requests
      expect(listings.filter(r => r.query.created?.startsWith('<='))).toHaveLength(12)
      expect(
        listings
          .filter(r => r.query.branch !== undefined)
          .map(r => `${r.path}?branch=${r.query.branch}`)
          .sort()
      ).toEqual([
        '/repos/acme/web/actions/workflows/11/runs?branch=dev',
        '/repos/acme/web/actions/workflows/12/runs?branch=main'
      ])
    })
  })

  describe('when an input is bad', () => {
    it.each([
      [{}, /Input 'older-than': is required/],
      [{ 'older-than': '30d', branch: '!main' }, /Input 'branch'/]
    ])('should fail before any request for %j', async (inputs, message) => {
      const s = await simulate(world())
      const result = await deleteRuns(s, inputs)
      expect(result.exitCode).not.toBe(0)
      expect(result.stdout).toMatch(message)
      expect(s.requests).toEqual([])
    })
  })
})
