/**
 * cancel-stale `status`: only runs in those active statuses are cancelled, each judged against
 * every active run of its group, with the listing (and its cost) of every active run.
 */
import { describe, expect, it } from '@jest/globals'
import { minutesAgo, repository, run, scenario } from '../../__fixtures__/scenario.js'
import type { ScenarioRun, ScenarioToken, Simulator } from '../../simulator/index.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

/**
 * One group (ci.yml, push, main) of `fullName`: `first` in progress 40 minutes ago, `first + 1`
 * queued 30, `first + 2` waiting 25, and the newest, `first + 3`, in progress 5 minutes ago. With
 * `status: queued, waiting` the queued and waiting ones are stale and cancelled; the in-progress
 * `first` is superseded too, but left alone. Another branch holds a lone queued run (`first + 4`).
 */
function group(fullName: string, first: number): ScenarioRun[] {
  const own = { head_repository: fullName }
  return [
    run({ id: first, status: 'in_progress', created_at: minutesAgo(40), ...own }),
    run({ id: first + 1, status: 'queued', created_at: minutesAgo(30), ...own }),
    run({ id: first + 2, status: 'waiting', created_at: minutesAgo(25), ...own }),
    run({ id: first + 3, status: 'in_progress', created_at: minutesAgo(5), ...own }),
    run({ id: first + 4, status: 'queued', created_at: minutesAgo(15), head_branch: 'dev', ...own })
  ]
}

const statuses = (s: Simulator, fullName = 'acme/web'): Record<number, string> =>
  Object.fromEntries(
    (s.state.repositories.find(r => `${r.owner}/${r.name}` === fullName)?.runs ?? []).map(r => [
      r.id,
      r.status
    ])
  )
const outcomes = (result: ActionRun): Array<[number | string, string, string]> =>
  result.result.map(r => [r.id, r.outcome, r.reason])
const gets = (s: Simulator): number => s.requests.filter(r => r.method === 'GET').length

async function cancelStale(
  s: Simulator,
  inputs: Record<string, string>,
  options: { bundle?: boolean; token?: string } = {}
): Promise<ActionRun> {
  return runAction({
    apiUrl: s.url,
    ...options,
    with: { operation: 'cancel-stale', ...inputs }
  })
}

describe('cancel-stale with status', () => {
  it('should cancel only the superseded runs in those statuses, planning in a dry run what it then does, with one listing each time', async () => {
    const s = await simulate(scenario(repository('acme/web', group('acme/web', 1))))
    const dry = await cancelStale(s, { status: 'queued, waiting', 'dry-run': 'true' })
    expect(dry.exitCode).toBe(0)
    expect(gets(s)).toBe(1)
    const real = await cancelStale(s, { status: 'queued, waiting' }, { bundle: true })
    expect(real.exitCode).toBe(0)
    expect(outcomes(dry)).toEqual([
      [2, 'planned', 'superseded by run 4'],
      [3, 'planned', 'superseded by run 4']
    ])
    expect(outcomes(real)).toEqual([
      [2, 'done', 'superseded by run 4'],
      [3, 'done', 'superseded by run 4']
    ])
    // Run 1 is superseded as well, but in progress: left alone, and not a target at all.
    expect(statuses(s)).toEqual({
      1: 'in_progress',
      2: 'completed',
      3: 'completed',
      4: 'in_progress',
      5: 'queued'
    })
    // The same single listing of every active run as without `status`, then the two cancels.
    expect(s.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /repos/acme/web/actions/runs',
      'GET /repos/acme/web/actions/runs',
      'POST /repos/acme/web/actions/runs/2/cancel',
      'POST /repos/acme/web/actions/runs/3/cancel'
    ])
    expect(s.requests[0]?.query).not.toHaveProperty('status')
  })

  it('should judge an older in-progress run superseded by a newer queued one, and cancel it only when in_progress is asked for', async () => {
    const runs = [
      run({ id: 1, status: 'in_progress', created_at: minutesAgo(30) }),
      run({ id: 2, status: 'queued', created_at: minutesAgo(2) })
    ]
    const s = await simulate(scenario(repository('acme/web', runs)))
    const queued = await cancelStale(s, { status: 'queued', 'dry-run': 'true' })
    expect(outcomes(queued)).toEqual([])
    const inProgress = await cancelStale(s, { status: 'in_progress', 'dry-run': 'true' })
    expect(outcomes(inProgress)).toEqual([[1, 'planned', 'superseded by run 2']])
  })

  it('should skip a run named by run-id outside those statuses, saying so', async () => {
    const s = await simulate(scenario(repository('acme/web', group('acme/web', 1))))
    const result = await cancelStale(s, { status: 'queued, waiting', 'run-id': '1' })
    expect(result.exitCode).toBe(0)
    expect(outcomes(result)).toEqual([
      [1, 'skipped', 'status in_progress is not in status (queued, waiting)']
    ])
    expect(result.outputs).toMatchObject({ count: '0', 'run-ids': '' })
    expect(s.requestCount({ operationId: 'actions/cancel-workflow-run' })).toBe(0)
  })

  it('should cancel a run named by run-id in those statuses', async () => {
    const s = await simulate(scenario(repository('acme/web', group('acme/web', 1))))
    const result = await cancelStale(s, { status: 'queued', 'run-id': '2' })
    expect(outcomes(result)).toEqual([[2, 'done', 'superseded by run 4']])
  })

  it.each([['completed'], ['success'], ['Queued'], ['queued, in-progress']])(
    'should refuse status %j before any request, naming the input',
    async value => {
      const s = await simulate(scenario(repository('acme/web', group('acme/web', 1))))
      const result = await cancelStale(s, { status: value })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain("::error::Input 'status': ")
      expect(result.stdout).toContain('is not an active status')
      expect(s.requests).toHaveLength(0)
    }
  )

  it('should apply over acme/* with one listing per repository', async () => {
    const sweeper: ScenarioToken = {
      login: 'sweeper[bot]',
      kind: 'app',
      permissions: { actions: 'write', metadata: 'read' }
    }
    const world = scenario(
      repository('acme/web', group('acme/web', 1), 501),
      repository('acme/api', group('acme/api', 11), 502)
    )
    world.tokens.ghs_sweeper = sweeper
    const s = await simulate(world)
    const options = { token: 'ghs_sweeper' }
    const inputs = { repository: 'acme/*', status: 'queued, waiting' }
    const dry = await cancelStale(s, { ...inputs, 'dry-run': 'true' }, options)
    const real = await cancelStale(s, inputs, options)
    expect(real.exitCode).toBe(0)
    const done = real.result.map(r => [r.repository, r.id, r.outcome])
    expect(done).toEqual([
      ['acme/api', 12, 'done'],
      ['acme/api', 13, 'done'],
      ['acme/web', 2, 'done'],
      ['acme/web', 3, 'done']
    ])
    expect(dry.result.map(r => [r.repository, r.id])).toEqual(done.map(([r, id]) => [r, id]))
    expect(statuses(s, 'acme/api')).toMatchObject({ 11: 'in_progress', 14: 'in_progress' })
    // Per invocation: the installation's repositories, then one listing per repository.
    const listings = s.requests.filter(r => r.method === 'GET').map(r => r.path)
    expect(listings).toEqual([
      '/installation/repositories',
      '/repos/acme/api/actions/runs',
      '/repos/acme/web/actions/runs',
      '/installation/repositories',
      '/repos/acme/api/actions/runs',
      '/repos/acme/web/actions/runs'
    ])
  })
})
