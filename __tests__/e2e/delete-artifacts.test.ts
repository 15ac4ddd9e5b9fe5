import { describe, expect, it } from '@jest/globals'
import { artifact, completedRun, daysAgo } from '../../__fixtures__/clean-up.js'
import { onArrival, repository, scenario } from '../../__fixtures__/scenario.js'
import type { Scenario, ScenarioArtifact, Simulator } from '../../simulator/index.js'
import { deleteArtifacts } from '../lib/operations.js'
import type { ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()
const GiB = 1024 ** 3
const MiB = 1024 ** 2

/**
 * acme/web: runs 1 (main, 20 days ago), 2 (main, 15), 3 (main, 3), 4 (dev, 20), 5 (main of the
 * fork mallory/web, 20), 6 (release/1, 30), and their artifacts:
 * - build: 101 (run 1, 1 GiB) and 102 (run 2, 512 MiB) go, 103 (run 3) is the newest on main;
 *   104 (dev), 105 (the fork's main) and 106 (release/1) are the newest of their own groups;
 * - coverage: 107 (run 1) stays as the newest unexpired one, 108 (run 2) has expired;
 * - logs: 109 (run 6) and 110 (run 1), each the newest of its branch.
 */
function world(): Scenario {
  const runs = [
    completedRun(20, { id: 1 }),
    completedRun(15, { id: 2 }),
    completedRun(3, { id: 3 }),
    completedRun(20, { id: 4, head_branch: 'dev' }),
    completedRun(20, { id: 5, head_repository: 'mallory/web', event: 'pull_request' }),
    completedRun(30, { id: 6, head_branch: 'release/1' })
  ]
  const artifacts: ScenarioArtifact[] = [
    artifact({ id: 1 }, 'build', 20, { id: 101, size_in_bytes: GiB }),
    artifact({ id: 2 }, 'build', 15, { id: 102, size_in_bytes: 512 * MiB }),
    artifact({ id: 3 }, 'build', 3, { id: 103 }),
    artifact({ id: 4 }, 'build', 20, { id: 104 }),
    artifact({ id: 5 }, 'build', 20, { id: 105 }),
    artifact({ id: 6 }, 'build', 30, { id: 106 }),
    artifact({ id: 1 }, 'coverage', 20, { id: 107 }),
    artifact({ id: 2 }, 'coverage', 15, { id: 108, expires_at: daysAgo(1) }),
    artifact({ id: 6 }, 'logs', 30, { id: 109 }),
    artifact({ id: 1 }, 'logs', 20, { id: 110 })
  ]
  const web = repository('acme/web', runs)
  web.artifacts = artifacts
  return scenario(web)
}

const artifactIds = (s: Simulator): number[] =>
  (s.state.repositories[0]?.artifacts ?? []).map(a => a.id).sort((a, b) => a - b)
const deletes = (s: Simulator): number => s.requestCount({ operationId: 'actions/delete-artifact' })
const ids = (result: ActionRun): Array<number | string> => result.result.map(r => r.id)

describe('delete-artifacts', () => {
  describe('with older-than 7d and the default keep-latest 1', () => {
    it('should plan in a dry run what the real run deletes, and give the bytes freed', async () => {
      const s = await simulate(world())
      const dry = await deleteArtifacts(s, { 'older-than': '7d', 'dry-run': 'true' })
      expect(dry.exitCode).toBe(0)
      expect(deletes(s)).toBe(0)
      const real = await deleteArtifacts(s, { 'older-than': '7d' }, true)
      expect(real.exitCode).toBe(0)

      expect(dry.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [101, 'planned', 'created 20d ago, 1 GiB'],
        [102, 'planned', 'created 15d ago, 512 MiB']
      ])
      expect(real.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [101, 'done', 'created 20d ago, 1 GiB'],
        [102, 'done', 'created 15d ago, 512 MiB']
      ])
      expect(real.result[0]).toMatchObject({
        kind: 'artifact',
        action: 'delete',
        url: 'https://github.com/acme/web/actions/runs/1/artifacts/101'
      })
      for (const run of [dry, real]) {
        expect(run.outputs['bytes-freed']).toBe(String(GiB + 512 * MiB))
        expect(run.outputs['run-ids']).toBe('')
      }
      expect(dry.summary).toContain('bytes to free: 1.5 GiB')
      expect(real.summary).toContain('bytes freed: 1.5 GiB')
      expect(artifactIds(s)).toEqual([103, 104, 105, 106, 107, 108, 109, 110])
      // One listing page, then one DELETE per artifact.
      const sent = s.requests.slice(s.requests.length - 3)
      expect(sent.map(r => `${r.method} ${r.path}`)).toEqual([
        'GET /repos/acme/web/actions/artifacts',
        'DELETE /repos/acme/web/actions/artifacts/101',
        'DELETE /repos/acme/web/actions/artifacts/102'
      ])
    })
  })

  describe('when filters and keep-latest are set', () => {
    it('should narrow one literal name on the server and apply the branch filters', async () => {
      const s = await simulate(world())
      const result = await deleteArtifacts(s, {
        'older-than': '7d',
        'keep-latest': '0',
        'artifact-name': 'build',
        'exclude-branch': 'release/**'
      })
      expect(ids(result)).toEqual([101, 104, 105, 102])
      expect(s.requests[0]?.query).toMatchObject({ name: 'build', per_page: '100' })
    })

    it('should match name globs, take any age with 0s, and never an expired artifact', async () => {
      const s = await simulate(world())
      const result = await deleteArtifacts(s, {
        'older-than': '0s',
        'keep-latest': '0',
        'artifact-name': 'cov*, logs',
        branch: 'main, release/*'
      })
      expect(ids(result)).toEqual([109, 107, 110])
      expect(s.requests[0]?.query.name).toBeUndefined()
    })
  })

  describe('when run-id names a run', () => {
    it("should delete that run's artifacts, whatever keep-latest says", async () => {
      const s = await simulate(world())
      const result = await deleteArtifacts(s, { 'older-than': '7d', 'run-id': '1' })
      expect(ids(result)).toEqual([101, 107, 110])
      expect(s.requests[0]?.path).toBe('/repos/acme/web/actions/runs/1/artifacts')
      expect(artifactIds(s)).toEqual([102, 103, 104, 105, 106, 108, 109])
    })
  })

  describe('when limit is below the targets', () => {
    it('should delete the oldest first and count only its bytes', async () => {
      const s = await simulate(world())
      const result = await deleteArtifacts(s, { 'older-than': '7d', limit: '1' })
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [101, 'done', 'created 20d ago, 1 GiB'],
        [102, 'skipped', 'limit reached']
      ])
      expect(result.outputs['bytes-freed']).toBe(String(GiB))
      expect(deletes(s)).toBe(1)
    })
  })

  describe('when an artifact is gone before its DELETE', () => {
    it('should report it already deleted and not count its bytes', async () => {
      const s = await simulate(world())
      let removed = false
      onArrival(s, request => {
        if (removed || request.method !== 'DELETE') return
        removed = true
        const web = s.state.repositories[0]
        if (web?.artifacts) web.artifacts = web.artifacts.filter(a => a.id !== 102)
      })
      const result = await deleteArtifacts(s, { 'older-than': '7d' })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.id, r.outcome, r.reason])).toEqual([
        [101, 'done', 'created 20d ago, 1 GiB'],
        [102, 'skipped', 'already deleted']
      ])
      expect(result.outputs['bytes-freed']).toBe(String(GiB))
    })
  })

  describe('when a repository holds more than 1,000 artifacts', () => {
    it('should read every page', async () => {
      const runs = Array.from({ length: 420 }, (_, i) =>
        completedRun(10, { id: 1000 + i, created_at: daysAgo(10, i) })
      )
      const artifacts = runs.flatMap(run =>
        ['build', 'coverage', 'logs'].map(name =>
          artifact(run, name, 10, { created_at: run.created_at })
        )
      )
      const web = repository('acme/web', runs)
      web.artifacts = artifacts
      const s = await simulate(scenario(web))
      const result = await deleteArtifacts(s, {
        'older-than': '7d',
        'dry-run': 'true',
        limit: '5000'
      })
      expect(result.exitCode).toBe(0)
      // The newest of each name stays: 1,260 artifacts, 1,257 planned.
      expect(result.result).toHaveLength(1257)
      expect(s.requestCount({ operationId: 'actions/list-artifacts-for-repo' })).toBe(13)
      expect(result.outputs['bytes-freed']).toBe(String(1257 * MiB))
    })
  })

  describe('when an input is bad', () => {
    it.each([
      [{}, /Input 'older-than': is required/],
      [{ 'older-than': '7d', 'artifact-name': '!build' }, /Input 'artifact-name'/],
      [
        { 'older-than': '7d', workflow: 'ci.yml' },
        /Input 'workflow': is not used by delete-artifacts/
      ]
    ])('should fail before any request for %j', async (inputs, message) => {
      const s = await simulate(world())
      const result = await deleteArtifacts(s, inputs)
      expect(result.exitCode).not.toBe(0)
      expect(result.stdout).toMatch(message)
      expect(s.requests).toEqual([])
    })
  })
})
