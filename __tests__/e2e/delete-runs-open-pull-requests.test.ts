/**
 * delete-runs `keep-open-pull-requests` (default true): a completed run at the head commit of an
 * open pull request is never deleted, spends no `limit`, and in a scan is kept without an entry,
 * as keep-latest keeps runs; named by `run-id` it is skipped saying which pull request. The open
 * pull requests are listed once per repository, only when a run would otherwise be deleted.
 */
import { describe, expect, it } from '@jest/globals'
import { completedRun, daysAgo } from '../../__fixtures__/clean-up.js'
import { repository, scenario } from '../../__fixtures__/scenario.js'
import type {
  ScenarioPull,
  ScenarioRepository,
  ScenarioRun,
  ScenarioToken,
  Simulator
} from '../../simulator/index.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

const sha = (name: string): string => Buffer.from(name).toString('hex').padEnd(40, '0')

/** An open pull request `number` from `branch` of `fullName` at `head`. */
function pull(fullName: string, number: number, branch: string, head: string): ScenarioPull {
  return { number, user: 'alice', head: { ref: branch, sha: sha(head), repo: fullName } }
}

/**
 * `fullName`, ci.yml runs older than 30 days (ids from `first`), oldest first by id:
 * - feature/a: `first` at a1; `first + 2` and `first + 4` at a2, the head of open pull request
 *   #7; `first + 5` (today) at a3, the newest of the group;
 * - feature/b: `first + 1` at b1, the head of #8, which is closed; `first + 6` (today);
 * - feature/c: `first + 3` at c1, the head of both #10 and #9; `first + 7` (today).
 * Without the open pull requests, `first` to `first + 4` would all go.
 */
function repo(fullName: string, first: number, id: number): ScenarioRepository {
  const at = (offset: number, branch: string, head: string, days: number): ScenarioRun =>
    completedRun(days, {
      id: first + offset,
      head_branch: branch,
      head_sha: sha(head),
      head_repository: fullName,
      created_at: daysAgo(days, 10 - offset)
    })
  const built = repository(
    fullName,
    [
      at(0, 'feature/a', 'a1', 40),
      at(1, 'feature/b', 'b1', 40),
      at(2, 'feature/a', 'a2', 40),
      at(3, 'feature/c', 'c1', 40),
      at(4, 'feature/a', 'a2', 35),
      at(5, 'feature/a', 'a3', 0),
      at(6, 'feature/b', 'b2', 0),
      at(7, 'feature/c', 'c2', 0)
    ],
    id
  )
  built.pulls = [
    pull(fullName, 7, 'feature/a', 'a2'),
    { ...pull(fullName, 8, 'feature/b', 'b1'), state: 'closed' },
    pull(fullName, 10, 'feature/c', 'c1'),
    pull(fullName, 9, 'feature/c', 'c1')
  ]
  return built
}

const outcomes = (result: ActionRun): Array<[number | string, string, string]> =>
  result.result.map(r => [r.id, r.outcome, r.reason])
const pullListings = (s: Simulator): string[] =>
  s.requests.filter(r => r.operationId === 'pulls/list').map(r => r.path)

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

describe('delete-runs with keep-open-pull-requests', () => {
  it('should keep the runs at the heads of open pull requests without an entry, planning in a dry run what it then deletes', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const dry = await deleteRuns(s, { 'dry-run': 'true' })
    const real = await deleteRuns(s, {})
    expect(real.exitCode).toBe(0)
    expect(outcomes(real)).toEqual([
      [1, 'done', 'created 40d ago, conclusion success'],
      [2, 'done', 'created 40d ago, conclusion success']
    ])
    expect(outcomes(dry)).toEqual(outcomes(real).map(([id, , reason]) => [id, 'planned', reason]))
    expect(real.stdout).toContain('3 kept as the head commits of open pull requests')
    expect(s.state.repositories[0]?.runs.map(r => r.id).sort((a, b) => a - b)).toEqual([
      3, 4, 5, 6, 7, 8
    ])
    // Per invocation: the runs, then the open pull requests once (every page, 100 a page).
    const listings = s.requests.filter(r => r.method === 'GET')
    expect(listings.map(r => r.path)).toEqual([
      '/repos/acme/web/actions/runs',
      '/repos/acme/web/pulls',
      '/repos/acme/web/actions/runs',
      '/repos/acme/web/pulls'
    ])
    expect(listings[1]?.query).toEqual({ state: 'open', per_page: '100' })
  })

  it('should spend no limit on a run it keeps', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const result = await deleteRuns(s, { limit: '2' })
    expect(outcomes(result).map(([id, outcome]) => [id, outcome])).toEqual([
      [1, 'done'],
      [2, 'done']
    ])
    expect(result.stdout).not.toContain('Raise the `limit` input')
  })

  it('should delete them too, and list no pull request, with keep-open-pull-requests false', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const result = await deleteRuns(s, { 'keep-open-pull-requests': 'false', 'dry-run': 'true' })
    expect(result.result.map(r => r.id)).toEqual([1, 2, 3, 4, 5])
    expect(pullListings(s)).toEqual([])
  })

  it('should list no pull request for a repository with nothing to delete', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const result = await deleteRuns(s, { 'older-than': '50d' })
    expect(result.result).toEqual([])
    expect(s.requests.map(r => r.path)).toEqual(['/repos/acme/web/actions/runs'])
  })

  it.each<[string, string]>([
    ['3', 'checks of open pull request #7'],
    ['5', 'checks of open pull request #7'],
    ['4', 'checks of open pull request #9']
  ])('should skip the run %s named by run-id: %s', async (runId, reason) => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const result = await deleteRuns(s, { 'run-id': runId })
    expect(outcomes(result)).toEqual([[Number(runId), 'skipped', reason]])
    expect(s.requestCount({ operationId: 'actions/delete-workflow-run' })).toBe(0)
  })

  it('should delete a run named by run-id whose pull request is closed, and list the pull requests only for a run that would be deleted', async () => {
    const s = await simulate(scenario(repo('acme/web', 1, 101)))
    const young = await deleteRuns(s, { 'run-id': '6' })
    expect(young.result[0]?.reason).toMatch(/^created \d+m ago, not older than 30d/)
    expect(pullListings(s)).toEqual([])
    const closed = await deleteRuns(s, { 'run-id': '2' })
    expect(outcomes(closed)).toEqual([
      [2, 'done', 'named by run-id; created 40d ago, conclusion success']
    ])
    expect(pullListings(s)).toEqual(['/repos/acme/web/pulls'])
  })

  it('should delete nothing of a repository whose open pull requests the token may not list, saying what to do', async () => {
    const world = scenario(repo('acme/web', 1, 101))
    world.tokens.ghs_actions = {
      login: 'github-actions[bot]',
      kind: 'github-token',
      permissions: { actions: 'write', metadata: 'read' }
    }
    const s = await simulate(world)
    const result = await deleteRuns(s, {}, { token: 'ghs_actions' })
    expect(result.exitCode).toBe(1)
    expect(result.result.map(r => [r.kind, r.id, r.outcome])).toEqual([
      ['repository', 'acme/web', 'failed']
    ])
    expect(result.result[0]?.reason).toMatch(
      /^could not list the open pull requests \(403 Resource not accessible by integration\), so no run was deleted: .*`pull-requests: read`.*'keep-open-pull-requests: false'/
    )
    expect(s.requestCount({ operationId: 'actions/delete-workflow-run' })).toBe(0)
    const without = await deleteRuns(
      s,
      { 'keep-open-pull-requests': 'false', 'dry-run': 'true' },
      { token: 'ghs_actions' }
    )
    expect(without.exitCode).toBe(0)
    expect(without.result).toHaveLength(5)
  })

  it.each([['yes'], ['1'], ['on']])(
    'should refuse keep-open-pull-requests %j before any request, naming the input',
    async value => {
      const s = await simulate(scenario(repo('acme/web', 1, 101)))
      const result = await deleteRuns(s, { 'keep-open-pull-requests': value })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain(
        `::error::Input 'keep-open-pull-requests': "${value}" is not a boolean.`
      )
      expect(s.requests).toHaveLength(0)
    }
  )

  it('should apply over acme/*, listing the open pull requests once, every page, and only where a run would be deleted', async () => {
    const sweeper: ScenarioToken = {
      login: 'sweeper[bot]',
      kind: 'app',
      permissions: { actions: 'write', pull_requests: 'read', metadata: 'read' }
    }
    // acme/api: 150 more open pull requests of other branches (two pages); acme/docs: quiet.
    const api = repo('acme/api', 21, 102)
    api.pulls?.push(
      ...Array.from({ length: 150 }, (_, i) => pull('acme/api', 100 + i, `topic-${i}`, `t${i}`))
    )
    const docs = repository(
      'acme/docs',
      [completedRun(40, { id: 50, head_repository: 'acme/docs' })],
      103
    )
    const world = scenario(repo('acme/web', 1, 101), api, docs)
    world.tokens.ghs_sweeper = sweeper
    const s = await simulate(world)
    const result = await deleteRuns(
      s,
      { repository: 'acme/*', 'dry-run': 'true' },
      { token: 'ghs_sweeper' }
    )
    expect(result.exitCode).toBe(0)
    expect(result.result.map(r => [r.repository, r.id])).toEqual([
      ['acme/api', 21],
      ['acme/api', 22],
      ['acme/web', 1],
      ['acme/web', 2]
    ])
    expect(pullListings(s)).toEqual([
      '/repos/acme/api/pulls',
      '/repos/acme/api/pulls',
      '/repos/acme/web/pulls'
    ])
    expect(s.requests).toHaveLength(1 + 3 + 3)
  })
})
