/**
 * approve-fork-runs and what it may reach: approvals GitHub refuses, tokens it does not accept or
 * that cannot read pull requests, the API under /api/v3, and the rate limit running out.
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

  describe('when the pull request or its files cannot be read', () => {
    it('should approve nothing and say why (fail closed)', async () => {
      const s = await simulate(
        scenario(withPulls(repository('acme/web', [forkRun({ id: 1 })]), [forkPull()]))
      )
      const result = await runAction({
        apiUrl: s.url,
        token: 'ghs_read',
        with: { operation: 'approve-fork-runs' }
      })
      expect(result.exitCode).toBe(1)
      expect(outcomes(result)).toEqual([
        [
          1,
          'failed',
          'could not read the pull requests of mallory:patch-1: 403 Resource not accessible by integration: the token needs `actions: write` and `pull-requests: read`; add them under `permissions:` in the job'
        ]
      ])
      expect(approvals(s)).toBe(0)
    })

    it('should not approve when the file listing keeps failing, and go on with other runs', async () => {
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
                head: { ref: 'patch-1', sha: sha('b'), repo: 'eve/web' }
              })
            ]
          )
        )
      )
      // The first listing fails on every attempt (1 + 3 retries).
      s.faults.add({
        operationId: 'pulls/list-files',
        path: '/repos/acme/web/pulls/7/files',
        times: 4,
        kind: 'status',
        status: 502
      })
      const result = await runAction({ apiUrl: s.url, with: { operation: 'approve-fork-runs' } })
      expect(result.exitCode).toBe(1)
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([
        [1, 'failed'],
        [2, 'done']
      ])
      expect(result.result[0]?.reason).toMatch(
        /^could not read the changed files of pull request #7: 502 /
      )
      expect([stateOf(s, 1), stateOf(s, 2)]).toEqual([WAITING, 'queued/'])
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
})
