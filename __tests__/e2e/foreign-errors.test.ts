/**
 * The handlers with a client whose errors come from another copy of Octokit (as under GitHub's
 * local action runner), run in process against the simulator: a 4xx is still a 4xx.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { clientWithForeignErrors } from '../../__fixtures__/foreign-octokit.js'
import { inputs } from '../../__fixtures__/inputs.js'
import { minutesAgo, repository, run, scenario } from '../../__fixtures__/scenario.js'
import { runHandler } from '../../src/operations/index.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import { Mutations, OperationsBudget } from '../../src/boundary/mutations.js'
import { Results, type TargetResult } from '../../src/boundary/outcomes.js'
import type { Simulator } from '../../simulator/index.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

// The handlers log groups and progress on stdout; keep them out of the test log.
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
})

/** Runs one invocation in process, its client throwing foreign errors; returns its results. */
async function runWithForeignErrors(
  s: Simulator,
  withInputs: Record<string, string>
): Promise<{ results: readonly TargetResult[]; requests: number }> {
  const settings = getSettings(inputs({ 'github-token': 'ghs_write', ...withInputs }), {
    GITHUB_API_URL: s.url,
    GITHUB_REPOSITORY: 'acme/web',
    GITHUB_RUN_ID: '999999999',
    ACTIONS_OPS_TIME_SCALE: '0.001'
  })
  const client = clientWithForeignErrors({
    token: settings.token,
    apiUrl: settings.runner.apiUrl,
    pacing: settings.pacing
  })
  const results = new Results()
  const mutations = new Mutations(
    settings.operation,
    settings.dryRun,
    new OperationsBudget(settings.limit),
    results,
    settings.pacing.retryBaseMs
  )
  await runHandler({
    settings,
    octokit: client.octokit,
    results,
    mutations,
    now: () => new Date(),
    extraOutputs: {}
  })
  return { results: results.all(), requests: client.counter.total }
}

describe('with errors of another class than the bundle’s RequestError', () => {
  it('should send a cancel answered 409 once and report the run skipped, already completed', async () => {
    const s = await simulate(
      scenario(
        repository('acme/web', [
          run({ id: 1, created_at: minutesAgo(30), completes_after_listed: true }),
          run({ id: 2, created_at: minutesAgo(2) })
        ])
      )
    )
    const { results } = await runWithForeignErrors(s, { operation: 'cancel-stale' })
    expect(results.map(r => [r.id, r.action, r.outcome, r.reason])).toEqual([
      [1, 'cancel', 'skipped', 'already completed']
    ])
    expect(s.requests.filter(r => r.method === 'POST').map(r => [r.path, r.status])).toEqual([
      ['/repos/acme/web/actions/runs/1/cancel', 409]
    ])
  })

  it('should read a repository answered 404 once and report it failed as not found', async () => {
    const s = await simulate(scenario(repository('acme/web', [run({ id: 1 })])))
    const { results, requests } = await runWithForeignErrors(s, {
      operation: 'cancel-stale',
      repository: 'acme/gone'
    })
    expect(results.map(r => [r.kind, r.id, r.outcome, r.reason])).toEqual([
      ['repository', 'acme/gone', 'failed', '404 Not Found']
    ])
    expect(requests).toBe(1)
  })
})
