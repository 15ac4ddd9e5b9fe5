/**
 * With a state file, listings bounded by a time that moves with the clock (`created>=` now −
 * lookback) are asked for in a form whose URL stays the same from one run to the next: the first
 * page without the bound, revalidated on the next run, and (when it does not reach the bound) the
 * rest below it. The same runs are judged as without the file.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { failedRun } from '../../__fixtures__/rerun-failed.js'
import {
  deployRepository,
  deployScenario,
  waitingRun
} from '../../__fixtures__/review-deployments.js'
import { minutesAgo, repository, scenario } from '../../__fixtures__/scenario.js'
import type { RecordedRequest, Scenario, Simulator } from '../../simulator/index.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

const stateFile = (): string =>
  join(mkdtempSync(join(tmpdir(), 'actions-ops-state-')), 'state.json')

/** What the step asked for since request `from`: path, query and status. */
const asked = (sim: Simulator, from = 0): Array<[string, string, number]> =>
  sim.requests
    .slice(from)
    .map((r: RecordedRequest) => [r.path, new URLSearchParams(r.query).toString(), r.status])

async function step(
  sim: Simulator,
  operation: string,
  token: string,
  extra: Record<string, string>,
  file?: string
): Promise<ActionRun> {
  return runAction({
    apiUrl: sim.url,
    token,
    with: {
      operation,
      'dry-run': 'true',
      ...extra,
      ...(file !== undefined && { 'state-file': file })
    }
  })
}

describe('state-file and listings bounded by the clock', () => {
  it('rerun-failed: should ask for the first page without the lookback bound, and revalidate it', async () => {
    // Two failed runs within the day, three older ones.
    const world: Scenario = scenario(
      repository('acme/web', [
        failedRun({ id: 1, created_at: minutesAgo(60), head_branch: 'a' }),
        failedRun({ id: 2, created_at: minutesAgo(90), head_branch: 'b' }),
        ...[3, 4, 5].map(id => failedRun({ id, created_at: minutesAgo(3000 + id) }))
      ])
    )
    const sim = await simulate(world)
    const file = stateFile()
    const first = await step(sim, 'rerun-failed', 'ghs_write', {}, file)
    const second = await step(sim, 'rerun-failed', 'ghs_write', {}, file)
    const without = await step(sim, 'rerun-failed', 'ghs_write', {})
    expect(first.result.map(r => `${r.id} ${r.outcome}`)).toEqual(['1 planned', '2 planned'])
    expect(second.result).toEqual(first.result)
    expect(without.result).toEqual(first.result)
    expect(asked(sim).slice(0, 2)).toEqual([
      ['/repos/acme/web/actions/runs', 'per_page=100', 200],
      ['/repos/acme/web/actions/runs', 'per_page=100', 304]
    ])
    expect(asked(sim)[2]?.[1]).toMatch(/^per_page=100&created=%3E%3D/)
  })

  it('review-deployments: should list below a first page that does not reach the bound, at the same count of requests', async () => {
    // 150 runs within the 60 days it looks back, the newest three waiting.
    const runs = Array.from({ length: 150 }, (_, i) =>
      i < 3
        ? waitingRun(['staging'], { id: 1000 - i, created_at: minutesAgo(10 + i) })
        : failedRun({ id: 1000 - i, created_at: minutesAgo(10 + i) })
    )
    const sim = await simulate(deployScenario(deployRepository(runs)))
    const file = stateFile()
    const first = await step(sim, 'review-deployments', 'ghp_rita', {}, file)
    const withFile = asked(sim)
    const second = await step(sim, 'review-deployments', 'ghp_rita', {}, file)
    const repeated = asked(sim, withFile.length)
    const from = sim.requests.length
    const without = await step(sim, 'review-deployments', 'ghp_rita', {})
    expect(first.result.map(r => `${r.id} ${r.outcome}`)).toEqual([
      '1000 planned',
      '999 planned',
      '998 planned'
    ])
    expect(second.result).toEqual(first.result)
    expect(without.result).toEqual(first.result)
    const listings = (requests: Array<[string, string, number]>): string[] =>
      requests.filter(([path]) => path.endsWith('/actions/runs')).map(([, query]) => query)
    expect(listings(withFile)).toHaveLength(listings(asked(sim, from)).length)
    expect(listings(withFile)[0]).toBe('per_page=100')
    // The rest goes down to the bound from the oldest run of the first page, inclusive.
    expect(listings(withFile)[1]).toMatch(
      new RegExp(`^per_page=100&created=.+\\.\\.${encodeURIComponent(runs[99]?.created_at ?? '')}$`)
    )
    expect(repeated.filter(([path]) => path.endsWith('/actions/runs'))[0]).toEqual([
      '/repos/acme/web/actions/runs',
      'per_page=100',
      304
    ])
  })
})
