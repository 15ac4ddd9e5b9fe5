/**
 * approve-fork-runs judging a fork run by its pull request: protected paths, a head that moved on,
 * pull requests GitHub does not list in full, branches that differ in case, several workflows of
 * one pull request, and a pull request or files it cannot read.
 */
import { describe, expect, it } from '@jest/globals'
import {
  forkPull,
  forkRun,
  sha,
  sourceFiles,
  WAITING,
  withPulls
} from '../../__fixtures__/approve-fork-runs.js'
import { minutesAgo, repository, scenario } from '../../__fixtures__/scenario.js'
import { outcomes } from '../lib/results.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'
import { approvals, statusOf as stateOf } from '../lib/world.js'

const simulate = simulatorPerTest()

describe('approve-fork-runs', () => {
  describe('when fork runs wait for approval on a schedule', () => {
    it('should approve only the run whose pull request touches no protected path', async () => {
      const s = await simulate(
        scenario(
          withPulls(
            repository('acme/web', [
              forkRun({ id: 1, created_at: minutesAgo(40) }),
              forkRun({
                id: 2,
                created_at: minutesAgo(35),
                head_repository: 'eve/web',
                actor: 'eve',
                head_sha: sha('b')
              }),
              forkRun({
                id: 3,
                created_at: minutesAgo(30),
                head_repository: 'trudy/web',
                actor: 'trudy',
                head_branch: 'tidy',
                head_sha: sha('c')
              }),
              forkRun({
                id: 4,
                created_at: minutesAgo(25),
                head_repository: 'oscar/web',
                actor: 'oscar',
                head_branch: 'bulk',
                head_sha: sha('d')
              })
            ]),
            [
              forkPull({ number: 7, files: [{ filename: 'src/app.ts' }] }),
              forkPull({
                number: 8,
                user: 'eve',
                head: { ref: 'patch-1', sha: sha('b'), repo: 'eve/web' },
                files: [{ filename: 'src/app.ts' }, { filename: '.github/workflows/x.yml' }]
              }),
              forkPull({
                number: 9,
                user: 'trudy',
                head: { ref: 'tidy', sha: sha('c'), repo: 'trudy/web' },
                files: [
                  {
                    filename: 'tools/setup.yml',
                    status: 'renamed',
                    previous_filename: '.github/actions/setup/action.yml'
                  }
                ]
              }),
              forkPull({
                number: 10,
                user: 'oscar',
                head: { ref: 'bulk', sha: sha('d'), repo: 'oscar/web' },
                // 150 files: the protected one is on the second page of 100.
                files: [
                  ...sourceFiles(140),
                  { filename: '.github/workflows/release.yml' },
                  ...sourceFiles(9, 'docs/page')
                ]
              })
            ]
          )
        )
      )
      const result = await runAction({
        bundle: true,
        apiUrl: s.url,
        event: { name: 'schedule', payload: { schedule: '*/5 * * * *' } },
        with: { operation: 'approve-fork-runs' }
      })
      expect(result.exitCode).toBe(0)
      expect([1, 2, 3, 4].map(id => stateOf(s, id))).toEqual(['queued/', WAITING, WAITING, WAITING])
      expect(outcomes(result)).toEqual([
        [1, 'done', 'pull request #7 at aaaaaaa touches no protected path (1 file checked)'],
        [2, 'skipped', 'touches .github/workflows/x.yml (pull request #8)'],
        [
          3,
          'skipped',
          'touches .github/actions/setup/action.yml (renamed to tools/setup.yml; pull request #9)'
        ],
        [4, 'skipped', 'touches .github/workflows/release.yml (pull request #10)']
      ])
      expect(result.result.every(r => r.action === 'approve')).toBe(true)
      expect(approvals(s)).toBe(1)
      // Every page of the long pull request was read (100 per page).
      expect(s.requestCount({ operationId: 'pulls/list-files' })).toBe(5)
      expect(result.outputs).toMatchObject({ count: '1', 'run-ids': '1' })
      expect(result.summary).toContain('touches .github/workflows/x.yml')
      expect(result.summary).toContain('<a href="https://github.com/acme/web/actions/runs/1">1</a>')
    })
  })

  describe("when the pull request's head is not the run's commit", () => {
    it('should not approve a run whose pull request moved on, nor one with no open pull request', async () => {
      const s = await simulate(
        scenario(
          withPulls(
            repository('acme/web', [
              forkRun({ id: 1, created_at: minutesAgo(40), head_sha: sha('a') }),
              forkRun({ id: 2, created_at: minutesAgo(30), head_sha: sha('b') }),
              forkRun({
                id: 3,
                created_at: minutesAgo(20),
                head_branch: 'closed-one',
                head_sha: sha('c')
              }),
              forkRun({
                id: 4,
                created_at: minutesAgo(10),
                head_branch: 'no-pr',
                head_sha: sha('d')
              })
            ]),
            [
              // Pushed again: the pull request now describes commit bbbbbbb, not run 1's commit.
              forkPull({ number: 7, head: { ref: 'patch-1', sha: sha('b'), repo: 'mallory/web' } }),
              forkPull({
                number: 8,
                state: 'closed',
                head: { ref: 'closed-one', sha: sha('c'), repo: 'mallory/web' }
              })
            ]
          )
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'approve-fork-runs' } })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [1, 'skipped', 'pull request #7 moved to bbbbbbb (run is at aaaaaaa)'],
        [2, 'done', 'pull request #7 at bbbbbbb touches no protected path (1 file checked)'],
        [3, 'skipped', 'no open pull request at ccccccc'],
        [4, 'skipped', 'no open pull request at ddddddd']
      ])
      expect([1, 2, 3, 4].map(id => stateOf(s, id))).toEqual([WAITING, 'queued/', WAITING, WAITING])
      expect(approvals(s)).toBe(1)
    })

    it('should not approve when a push lands while the files are being read', async () => {
      // The run's commit changes a workflow.
      const s = await simulate(
        scenario(
          withPulls(repository('acme/web', [forkRun({ id: 1 })]), [
            forkPull({ files: [{ filename: '.github/workflows/ci.yml' }] })
          ])
        )
      )
      s.faults.add({ operationId: 'pulls/list-files', times: 1, kind: 'latency', delayMs: 1500 })
      const running = runAction({ apiUrl: s.url, with: { operation: 'approve-fork-runs' } })
      // The listing is held back; meanwhile mallory pushes a commit that reverts the workflow
      // change, so the listing shows harmless files that are not those of the run's commit.
      for (let i = 0; i < 200; i++) {
        if (s.requestCount({ operationId: 'pulls/list-files' }) > 0) break
        await new Promise(resolve => setTimeout(resolve, 25))
      }
      const pull = s.state.repositories[0]?.pulls?.[0]
      if (!pull) throw new Error('scenario has no pull request')
      pull.head.sha = sha('e')
      pull.files = [{ filename: 'src/app.ts' }]
      const result = await running
      expect(outcomes(result)).toEqual([
        [1, 'skipped', 'pull request #7 moved to eeeeeee (run is at aaaaaaa)']
      ])
      expect(approvals(s)).toBe(0)
      expect(stateOf(s, 1)).toBe(WAITING)
    })
  })

  describe('when protected-paths names a folder', () => {
    it.each(['.github', '.github/', '/.github/workflows'])(
      'should protect everything below %s, in any case',
      async protectedPaths => {
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
                }),
                forkRun({
                  id: 3,
                  created_at: minutesAgo(10),
                  head_repository: 'oscar/web',
                  actor: 'oscar',
                  head_sha: sha('c')
                })
              ]),
              [
                forkPull({ files: [{ filename: 'src/app.ts' }] }),
                forkPull({
                  number: 8,
                  user: 'eve',
                  head: { ref: 'patch-1', sha: sha('b'), repo: 'eve/web' },
                  files: [{ filename: 'src/app.ts' }, { filename: '.github/workflows/ci.yml' }]
                }),
                forkPull({
                  number: 9,
                  user: 'oscar',
                  head: { ref: 'patch-1', sha: sha('c'), repo: 'oscar/web' },
                  // A case-insensitive runner checks this out into .github/workflows/.
                  files: [{ filename: '.GitHub/Workflows/ci.yml', status: 'added' }]
                })
              ]
            )
          )
        )
        const result = await runAction({
          apiUrl: s.url,
          with: { operation: 'approve-fork-runs', 'protected-paths': protectedPaths }
        })
        expect(result.exitCode).toBe(0)
        expect(outcomes(result)).toEqual([
          [1, 'done', 'pull request #7 at aaaaaaa touches no protected path (1 file checked)'],
          [2, 'skipped', 'touches .github/workflows/ci.yml (pull request #8)'],
          [3, 'skipped', 'touches .GitHub/Workflows/ci.yml (pull request #9)']
        ])
        expect([1, 2, 3].map(id => stateOf(s, id))).toEqual(['queued/', WAITING, WAITING])
        expect(approvals(s)).toBe(1)
      }
    )
  })

  describe('when GitHub does not list every changed file', () => {
    it('should refuse a pull request of more than 3,000 files, which GitHub lists only 3,000 of', async () => {
      const s = await simulate(
        scenario(
          withPulls(repository('acme/web', [forkRun({ id: 1 })]), [
            // The workflow change comes after the 3,000 files GitHub lists.
            forkPull({
              files: [...sourceFiles(3000), { filename: '.github/workflows/ci.yml' }]
            })
          ])
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'approve-fork-runs' } })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [
          1,
          'skipped',
          'pull request #7 changes 3000 files or more; GitHub lists only 3000, so the rest cannot be checked: review it by hand'
        ]
      ])
      expect(s.requestCount({ operationId: 'pulls/list-files' })).toBe(30)
      expect(approvals(s)).toBe(0)
      expect(stateOf(s, 1)).toBe(WAITING)
    })

    it('should refuse a pull request whose listing came back shorter than its changed_files', async () => {
      const s = await simulate(
        scenario(
          withPulls(repository('acme/web', [forkRun({ id: 1 })]), [
            forkPull({ files: sourceFiles(120), changed_files: 121 })
          ])
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'approve-fork-runs' } })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [
          1,
          'skipped',
          'pull request #7 changes 121 files but GitHub listed 120, so the rest cannot be checked: review it by hand'
        ]
      ])
      expect(s.requestCount({ operationId: 'pulls/get' })).toBe(1)
      expect(approvals(s)).toBe(0)
      expect(stateOf(s, 1)).toBe(WAITING)
    })
  })

  describe('when branches of one fork differ only in case', () => {
    it('should look up each branch, not judge one by the pull request of the other', async () => {
      const s = await simulate(
        scenario(
          withPulls(
            repository('acme/web', [
              forkRun({
                id: 1,
                created_at: minutesAgo(30),
                head_branch: 'Fix',
                head_sha: sha('a')
              }),
              forkRun({ id: 2, created_at: minutesAgo(20), head_branch: 'fix', head_sha: sha('b') })
            ]),
            [
              forkPull({ number: 7, head: { ref: 'Fix', sha: sha('a'), repo: 'mallory/web' } }),
              forkPull({ number: 8, head: { ref: 'fix', sha: sha('b'), repo: 'mallory/web' } })
            ]
          )
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'approve-fork-runs' } })
      expect(outcomes(result)).toEqual([
        [1, 'done', 'pull request #7 at aaaaaaa touches no protected path (1 file checked)'],
        [2, 'done', 'pull request #8 at bbbbbbb touches no protected path (1 file checked)']
      ])
      expect(s.requests.filter(r => r.operationId === 'pulls/list').map(r => r.query.head)).toEqual(
        ['mallory:Fix', 'mallory:fix']
      )
      expect([1, 2].map(id => stateOf(s, id))).toEqual(['queued/', 'queued/'])
    })
  })

  describe('when several workflows of one pull request wait', () => {
    it('should look the pull request up and list its files once', async () => {
      const s = await simulate(
        scenario(
          withPulls(
            repository('acme/web', [
              forkRun({ id: 1, workflow_id: 11, created_at: minutesAgo(12) }),
              forkRun({ id: 2, workflow_id: 12, created_at: minutesAgo(11) }),
              forkRun({ id: 3, workflow_id: 11, created_at: minutesAgo(10), run_number: 3 })
            ]),
            [forkPull({ files: sourceFiles(120) })]
          )
        )
      )
      const result = await runAction({ apiUrl: s.url, with: { operation: 'approve-fork-runs' } })
      expect(result.result.map(r => [r.id, r.outcome])).toEqual([
        [1, 'done'],
        [2, 'done'],
        [3, 'done']
      ])
      expect(s.requestCount({ operationId: 'pulls/list' })).toBe(1)
      expect(s.requestCount({ operationId: 'pulls/list-files' })).toBe(2)
      expect(s.requestCount({ operationId: 'pulls/get' })).toBe(1)
      expect([1, 2, 3].map(id => stateOf(s, id))).toEqual(['queued/', 'queued/', 'queued/'])
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
})
