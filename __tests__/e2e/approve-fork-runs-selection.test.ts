/**
 * approve-fork-runs choosing the runs it approves: trusted-actors and the triggering actor, run-id,
 * runs shown as action_required, and a dry run.
 */
import { describe, expect, it } from '@jest/globals'
import { forkPull, forkRun, sha, WAITING, withPulls } from '../../__fixtures__/approve-fork-runs.js'
import { minutesAgo, repository, scenario } from '../../__fixtures__/scenario.js'
import { outcomes } from '../lib/results.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { approvals, statusOf as stateOf } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('approve-fork-runs', () => {
  describe('when trusted-actors is set', () => {
    it('should approve only runs triggered by a trusted actor', async () => {
      const s = await simulate(
        scenario(
          withPulls(
            repository('acme/web', [
              forkRun({ id: 1, created_at: minutesAgo(30) }),
              forkRun({
                id: 2,
                created_at: minutesAgo(20),
                actor: 'alice',
                head_repository: 'alice/web',
                head_sha: sha('b')
              }),
              forkRun({
                id: 3,
                created_at: minutesAgo(10),
                actor: 'dependabotb',
                head_repository: 'dependabotb/web',
                head_sha: sha('c')
              })
            ]),
            [
              forkPull(),
              forkPull({
                number: 8,
                user: 'alice',
                head: { ref: 'patch-1', sha: sha('b'), repo: 'alice/web' }
              }),
              forkPull({
                number: 9,
                user: 'dependabotb',
                head: { ref: 'patch-1', sha: sha('c'), repo: 'dependabotb/web' }
              })
            ]
          )
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'approve-fork-runs', 'trusted-actors': 'alice, dependabot[bot]' }
      })
      expect(outcomes(result)).toEqual([
        [1, 'skipped', 'actor mallory not trusted (trusted-actors: alice, dependabot[bot])'],
        [2, 'done', 'pull request #8 at bbbbbbb touches no protected path (1 file checked)'],
        [3, 'skipped', 'actor dependabotb not trusted (trusted-actors: alice, dependabot[bot])']
      ])
      expect([1, 2, 3].map(id => stateOf(s, id))).toEqual([WAITING, 'queued/', WAITING])
      // Untrusted actors cost no pull request lookup.
      expect(s.requestCount({ operationId: 'pulls/list' })).toBe(1)
    })
  })

  describe('when a run was re-run by someone other than its actor', () => {
    it('should judge trusted-actors by the triggering actor', async () => {
      const s = await simulate(
        scenario(
          withPulls(
            repository('acme/web', [
              // alice opened the pull request; mallory re-ran its run.
              forkRun({
                id: 1,
                created_at: minutesAgo(30),
                actor: 'alice',
                triggering_actor: 'mallory'
              }),
              // mallory opened this one; alice re-ran it.
              forkRun({
                id: 2,
                created_at: minutesAgo(20),
                actor: 'mallory',
                triggering_actor: 'alice',
                head_repository: 'eve/web',
                head_sha: sha('b')
              })
            ]),
            [
              forkPull(),
              forkPull({
                number: 8,
                user: 'eve',
                head: { ref: 'patch-1', sha: sha('b'), repo: 'eve/web' }
              })
            ]
          )
        )
      )
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'approve-fork-runs', 'trusted-actors': 'alice' }
      })
      expect(outcomes(result)).toEqual([
        [1, 'skipped', 'actor mallory not trusted (trusted-actors: alice)'],
        [2, 'done', 'pull request #8 at bbbbbbb touches no protected path (1 file checked)']
      ])
      expect([1, 2].map(id => stateOf(s, id))).toEqual([WAITING, 'queued/'])
      expect(approvals(s)).toBe(1)
    })
  })

  describe('when run-id is given', () => {
    it('should approve that run when it waits, and skip it when it does not', async () => {
      const world = scenario(
        withPulls(
          repository('acme/web', [
            forkRun({ id: 1 }),
            forkRun({ id: 2, status: 'in_progress', conclusion: null })
          ]),
          [forkPull()]
        )
      )
      const s = await simulate(world)
      const approved = await runAction({
        apiUrl: s.url,
        with: { operation: 'approve-fork-runs', 'run-id': '1' }
      })
      expect(outcomes(approved)).toEqual([
        [1, 'done', 'pull request #7 at aaaaaaa touches no protected path (1 file checked)']
      ])
      const running = await runAction({
        apiUrl: s.url,
        with: { operation: 'approve-fork-runs', 'run-id': '2' }
      })
      expect(outcomes(running)).toEqual([
        [2, 'skipped', 'not waiting for approval (status in_progress, conclusion none)']
      ])
      expect(approvals(s)).toBe(1)
      expect([stateOf(s, 1), stateOf(s, 2)]).toEqual(['queued/', 'in_progress/'])
    })
  })

  describe('when a run shows status action_required and no conclusion', () => {
    it('should approve it when safe, and read it back as still waiting after an approval that failed', async () => {
      const s = await simulate(
        scenario(
          withPulls(
            repository('acme/web', [
              forkRun({ id: 1, status: 'action_required', conclusion: null }),
              forkRun({
                id: 2,
                status: 'action_required',
                conclusion: null,
                created_at: minutesAgo(10),
                head_repository: 'eve/web',
                actor: 'eve',
                head_sha: sha('b')
              })
            ]),
            [
              forkPull(),
              forkPull({
                number: 8,
                user: 'eve',
                head: { ref: 'patch-1', sha: sha('b'), repo: 'eve/web' },
                files: [{ filename: '.github/workflows/ci.yml' }]
              })
            ]
          )
        )
      )
      // The first approval fails before GitHub handles it: the run still waits, in the same form.
      s.faults.add({
        path: '/repos/acme/web/actions/runs/1/approve',
        kind: 'status',
        status: 502,
        times: 1
      })
      const result = await runAction({ apiUrl: s.url, with: { operation: 'approve-fork-runs' } })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [1, 'done', 'pull request #7 at aaaaaaa touches no protected path (1 file checked)'],
        [2, 'skipped', 'touches .github/workflows/ci.yml (pull request #8)']
      ])
      expect(approvals(s)).toBe(2)
      expect([stateOf(s, 1), stateOf(s, 2)]).toEqual(['queued/', 'action_required/'])
    })
  })

  describe('when a dry run', () => {
    it('should change nothing, send no POST, and plan exactly what the real run does', async () => {
      const world = scenario(
        withPulls(
          repository('acme/web', [
            forkRun({ id: 1, created_at: minutesAgo(40) }),
            forkRun({
              id: 2,
              created_at: minutesAgo(30),
              head_repository: 'eve/web',
              actor: 'eve',
              head_sha: sha('b')
            }),
            forkRun({
              id: 3,
              created_at: minutesAgo(20),
              head_repository: 'oscar/web',
              actor: 'oscar',
              head_sha: sha('c')
            }),
            forkRun({
              id: 4,
              created_at: minutesAgo(10),
              head_repository: 'alice/web',
              actor: 'alice',
              head_sha: sha('d')
            })
          ]),
          [
            forkPull(),
            forkPull({
              number: 8,
              user: 'eve',
              head: { ref: 'patch-1', sha: sha('b'), repo: 'eve/web' },
              files: [{ filename: '.github/workflows/ci.yml' }]
            }),
            forkPull({
              number: 9,
              user: 'oscar',
              head: { ref: 'patch-1', sha: sha('c'), repo: 'oscar/web' }
            }),
            forkPull({
              number: 10,
              user: 'alice',
              head: { ref: 'patch-1', sha: sha('d'), repo: 'alice/web' }
            })
          ]
        )
      )
      const dry = await simulate(structuredClone(world))
      const planned = await runAction({
        apiUrl: dry.url,
        with: { operation: 'approve-fork-runs', 'dry-run': 'true', limit: '2' }
      })
      expect(dry.requests.filter(r => r.method !== 'GET')).toEqual([])
      // Run 4 lies past the limit: its pull request is never looked up.
      expect(
        dry.requests.filter(r => r.operationId === 'pulls/list').map(r => r.query.head)
      ).toEqual(['mallory:patch-1', 'eve:patch-1', 'oscar:patch-1'])
      expect([1, 2, 3, 4].map(id => stateOf(dry, id))).toEqual([WAITING, WAITING, WAITING, WAITING])
      expect(planned.summary).toContain('dry run')
      await dry.close()

      const real = await simulate(structuredClone(world))
      const done = await runAction({
        apiUrl: real.url,
        with: { operation: 'approve-fork-runs', limit: '2' }
      })
      const shape = (r: { id: unknown; action: string; outcome: string; reason: string }): string =>
        `${String(r.id)}:${r.action}:${r.outcome}:${r.reason}`
      expect(done.result.map(shape)).toEqual([
        '1:approve:done:pull request #7 at aaaaaaa touches no protected path (1 file checked)',
        '2:approve:skipped:touches .github/workflows/ci.yml (pull request #8)',
        '3:approve:done:pull request #9 at ccccccc touches no protected path (1 file checked)',
        '4:approve:skipped:limit reached'
      ])
      expect(planned.result.map(shape)).toEqual(
        done.result.map(shape).map(s => s.replace(':done:', ':planned:'))
      )
      expect(planned.outputs['run-ids']).toBe(done.outputs['run-ids'])
      expect(planned.outputs.count).toBe(done.outputs.count)
      expect([1, 2, 3, 4].map(id => stateOf(real, id))).toEqual([
        'queued/',
        WAITING,
        'queued/',
        WAITING
      ])
    })
  })
})
