/**
 * approve-fork-runs `allowed-paths`: a run is approved only when every file its pull request
 * changes (renamed files' old names too) matches one of the globs; `protected-paths` still applies,
 * and a listing that cannot be read approves nothing.
 */
import { describe, expect, it } from '@jest/globals'
import { forkPull, forkRun, sha, withPulls } from '../../__fixtures__/approve-fork-runs.js'
import { repository, scenario } from '../../__fixtures__/scenario.js'
import type {
  ScenarioPull,
  ScenarioPullFile,
  ScenarioRepository,
  ScenarioRun,
  Simulator
} from '../../simulator/index.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

/** A fork run of `contributor` (its own fork and branch `patch`) and its open pull request. */
function contribution(
  fullName: string,
  runId: number,
  number: number,
  contributor: string,
  files: ScenarioPullFile[]
): { run: ScenarioRun; pull: ScenarioPull } {
  const head = sha(number.toString(16).slice(-1))
  const fork = `${contributor}/${fullName.split('/')[1] ?? ''}`
  return {
    run: forkRun({
      id: runId,
      actor: contributor,
      head_sha: head,
      head_branch: 'patch',
      head_repository: fork
    }),
    pull: forkPull({
      number,
      user: contributor,
      head: { ref: 'patch', sha: head, repo: fork },
      files
    })
  }
}

/**
 * `fullName` with four fork runs waiting for approval, ids from `first`:
 * - `first`: pull request #1 changes docs/guide.md and README.md only;
 * - `first + 1`: #2 changes docs/api.md and src/app.ts;
 * - `first + 2`: #3 renames src/old.ts to docs/old.md;
 * - `first + 3`: #4 changes docs/ci.md and .github/workflows/notes.md (allowed, but protected).
 */
function repo(fullName: string, first: number, id: number): ScenarioRepository {
  const made = [
    contribution(fullName, first, 1, 'ann', [
      { filename: 'docs/guide.md' },
      { filename: 'README.md' }
    ]),
    contribution(fullName, first + 1, 2, 'ben', [
      { filename: 'docs/api.md' },
      { filename: 'src/app.ts' }
    ]),
    contribution(fullName, first + 2, 3, 'cid', [
      { filename: 'docs/old.md', status: 'renamed', previous_filename: 'src/old.ts' }
    ]),
    contribution(fullName, first + 3, 4, 'dee', [
      { filename: 'docs/ci.md' },
      { filename: '.github/workflows/notes.md' }
    ])
  ]
  return withPulls(
    repository(
      fullName,
      made.map(m => m.run),
      id
    ),
    made.map(m => m.pull)
  )
}

const REASONS = (first: number): Array<[number, string, string]> => [
  [
    first,
    'done',
    'pull request #1 at 1111111 touches no protected path, only allowed paths (2 files checked)'
  ],
  [first + 1, 'skipped', 'changes src/app.ts, not in allowed-paths'],
  [first + 2, 'skipped', 'changes src/old.ts, not in allowed-paths'],
  [first + 3, 'skipped', 'touches .github/workflows/notes.md (pull request #4)']
]
const outcomes = (result: ActionRun): Array<[number | string, string, string]> =>
  result.result.map(r => [r.id, r.outcome, r.reason])
const approvals = (s: Simulator): string[] =>
  s.requests.filter(r => r.operationId === 'actions/approve-workflow-run').map(r => r.path)
const ALLOWED = { 'allowed-paths': 'docs/**\n**/*.md' }

describe('approve-fork-runs with allowed-paths', () => {
  it('should approve only the runs whose pull request changes allowed paths alone, planning in a dry run what it then does', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const dry = await runAction({
      apiUrl: s.url,
      with: { operation: 'approve-fork-runs', 'dry-run': 'true', ...ALLOWED }
    })
    expect(approvals(s)).toEqual([])
    const real = await runAction({
      apiUrl: s.url,
      bundle: true,
      with: { operation: 'approve-fork-runs', ...ALLOWED }
    })
    expect(real.exitCode).toBe(0)
    expect(outcomes(real)).toEqual(REASONS(1))
    expect(outcomes(dry)).toEqual(
      REASONS(1).map(([id, outcome, reason]) => [
        id,
        outcome === 'done' ? 'planned' : outcome,
        reason
      ])
    )
    expect(approvals(s)).toEqual(['/repos/acme/web/actions/runs/1/approve'])
  })

  it('should approve every run whose pull request touches no protected path when it is empty', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'approve-fork-runs', 'dry-run': 'true' }
    })
    expect(result.result.map(r => [r.id, r.outcome])).toEqual([
      [1, 'planned'],
      [2, 'planned'],
      [3, 'planned'],
      [4, 'skipped']
    ])
  })

  it('should approve nothing when the changed files cannot be read (fails closed)', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    s.faults.add({ operationId: 'pulls/list-files', kind: 'status', status: 403, times: 1 })
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'approve-fork-runs', 'fail-on-error': 'false', ...ALLOWED }
    })
    expect(result.result[0]).toMatchObject({ id: 1, outcome: 'failed' })
    expect(result.result[0]?.reason).toMatch(
      /^could not read the changed files of pull request #1: 403/
    )
    expect(approvals(s)).toEqual([])
  })

  it.each([
    ['!docs/**', '!docs/**'],
    ['docs/**, !**/*.ts', '!**/*.ts']
  ])('should refuse allowed-paths %j before any request, naming the input', async (value, glob) => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const result = await runAction({
      apiUrl: s.url,
      with: { operation: 'approve-fork-runs', 'allowed-paths': value }
    })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain(
      `::error::Input 'allowed-paths': "${glob}" is not a usable glob`
    )
    expect(s.requests).toHaveLength(0)
  })

  it('should apply over acme/*', async () => {
    const world = scenario(repo('acme/web', 1, 101), repo('acme/api', 11, 102))
    world.tokens.ghs_sweeper = {
      login: 'sweeper[bot]',
      kind: 'app',
      permissions: { actions: 'write', pull_requests: 'read', contents: 'read', metadata: 'read' }
    }
    const s = await simulate(world)
    const result = await runAction({
      apiUrl: s.url,
      token: 'ghs_sweeper',
      with: { operation: 'approve-fork-runs', repository: 'acme/*', ...ALLOWED }
    })
    expect(result.exitCode).toBe(0)
    expect(result.result.map(r => [r.repository, r.id, r.outcome, r.reason])).toEqual([
      ...REASONS(11).map(entry => ['acme/api', ...entry]),
      ...REASONS(1).map(entry => ['acme/web', ...entry])
    ])
    expect(approvals(s)).toEqual([
      '/repos/acme/api/actions/runs/11/approve',
      '/repos/acme/web/actions/runs/1/approve'
    ])
  })
})
