/**
 * approve-fork-runs choosing and sending the approvals: trusted-actors and the triggering actor,
 * approvals GitHub refuses, tokens it does not accept, the API under /api/v3, run-id, runs shown as
 * action_required, the rate limit running out, and a dry run.
 */
import { describe, expect, it } from '@jest/globals'
import {
  forkPull,
  forkRun,
  READ_ONLY_TOKEN,
  sha,
  WAITING,
  withPulls
} from '../../__fixtures__/approve-fork-runs.js'
import {
  exhaustedReason,
  minutesAgo,
  repository,
  scenario,
  withRequestsLeft
} from '../../__fixtures__/scenario.js'
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
  describe('when GitHub refuses the approval', () => {
    it('should tell a run it will not approve (403) from one that is gone (404)', async () => {
      const s = await simulate(
        scenario(
          withPulls(
            repository('acme/web', [
              // A bot's branch of this repository: waits for approval, but is no fork run.
              forkRun({
                id: 1,
                created_at: minutesAgo(30),
                head_repository: 'acme/web',
                head_branch: 'bot/update',
                actor: 'renovate[bot]',
                head_sha: sha('b')
              }),
              // Waited more than 30 days: GitHub deletes it.
              forkRun({ id: 2, created_at: minutesAgo(31 * 24 * 60) })
            ]),
            [
              forkPull(),
              forkPull({
                number: 8,
                user: 'renovate[bot]',
                head: { ref: 'bot/update', sha: sha('b'), repo: 'acme/web' }
              })
            ]
          )
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'approve-fork-runs' } })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([
        [2, 'skipped'],
        [1, 'failed']
      ])
      expect(result.result[0]?.reason).toBe(
        'run gone or already approved (404 Not Found); nothing left to approve'
      )
      expect(result.result[1]?.reason).toMatch(
        /^not approvable \(403 This run is not from a fork pull request or queued by the Actions bot\)/
      )
      expect(stateOf(s, 1)).toBe(WAITING)
      expect(stateOf(s, 2)).toBe('missing')
      expect(result.stdout).toContain('::error::1 target(s) failed')
    })

    it('should say the token lacks actions: write, distinctly', async () => {
      const world = scenario(withPulls(repository('acme/web', [forkRun({ id: 1 })]), [forkPull()]))
      Object.assign(world.tokens, READ_ONLY_TOKEN)
      const s = await simulate(world)
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_review',
        with: { operation: 'approve-fork-runs' }
      })
      expect(result.exitCode).toBe(1)
      expect(outcomes(result)).toEqual([
        [
          1,
          'failed',
          '403 Resource not accessible by integration: the token lacks `actions: write`; add `permissions: actions: write` to the job (or use a token with it)'
        ]
      ])
      expect(stateOf(s, 1)).toBe(WAITING)
    })
  })

  describe('when the token is not accepted', () => {
    it('should say the token is invalid or expired and name github-token (401)', async () => {
      const s = await simulate(
        scenario(withPulls(repository('acme/web', [forkRun({ id: 1 })]), [forkPull()]))
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_revoked',
        with: { operation: 'approve-fork-runs' },
        secrets: ['ghs_revoked']
      })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.kind, r.outcome])).toEqual([['repository', 'failed']])
      expect(result.result[0]?.reason).toBe(
        '401 Bad credentials: the token is invalid or expired; pass a valid one in `github-token` (for approve-fork-runs, the token needs `actions: write` and `pull-requests: read`; add them under `permissions:` in the job)'
      )
      // The listing was refused: nothing else was asked, nothing approved.
      expect(s.requests.map(r => r.operationId)).toEqual(['actions/list-workflow-runs-for-repo'])
      expect(stateOf(s, 1)).toBe(WAITING)
    })
  })

  describe('when the API lives under /api/v3 (GitHub Enterprise Server)', () => {
    it('should approve through the prefix, in debug mode, without printing the token', async () => {
      const s = await simulate(
        scenario(
          withPulls(
            repository('acme/web', [
              forkRun({ id: 1, created_at: minutesAgo(30) }),
              forkRun({
                id: 2,
                created_at: minutesAgo(20),
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
      const result = await runAction({
        bundle: true,
        apiUrl: `${s.url}/api/v3`,
        with: { operation: 'approve-fork-runs' },
        env: { RUNNER_DEBUG: '1' }
      })
      expect(result.exitCode).toBe(0)
      expect([stateOf(s, 1), stateOf(s, 2)]).toEqual(['queued/', WAITING])
      expect(s.requests.map(r => r.operationId)).toEqual([
        'actions/list-workflow-runs-for-repo',
        'pulls/list',
        'pulls/list-files',
        'pulls/get',
        'actions/approve-workflow-run',
        'pulls/list',
        'pulls/list-files'
      ])
      expect(s.requests.every(r => r.ghes === true)).toBe(true)
      expect(result.stdout).toContain('::debug::')
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

  describe('when the primary rate limit runs out with repositories left', () => {
    it('should skip the later repository with the reset time, send nothing more, and succeed', async () => {
      const world = scenario(
        withPulls(repository('acme/web', [forkRun({ id: 1 })]), [forkPull()]),
        withPulls(
          repository('acme/api', [forkRun({ id: 11, head_repository: 'mallory/api' })], 102),
          [forkPull({ head: { ref: 'patch-1', sha: sha('a'), repo: 'mallory/api' } })]
        )
      )
      // acme/web: the listing, the pull request lookup, its files, the re-read and the approval.
      const s = await simulate(withRequestsLeft(world, 'ghs_write', 5))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'approve-fork-runs', repository: 'acme/web, acme/api' }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result.map(r => [r.repository, r.kind, r.id, r.outcome, r.reason])).toEqual([
        [
          'acme/web',
          'run',
          1,
          'done',
          'pull request #7 at aaaaaaa touches no protected path (1 file checked)'
        ],
        ['acme/api', 'repository', 'acme/api', 'skipped', exhaustedReason(s)]
      ])
      // The approval's answer showed x-ratelimit-remaining: 0; nothing was sent after it.
      expect(s.requests).toHaveLength(5)
      expect(s.requests.at(-1)?.path).toBe('/repos/acme/web/actions/runs/1/approve')
      expect(s.state.repositories[1]?.runs[0]?.status).toBe('completed')
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
