import type { Scenario, ScenarioRun, Simulator } from '../../simulator/index.js'
import type { DemoStep } from './types.js'

/** A GitHub App installation token, as actions/create-github-app-token makes one. */
const SWEEPER = 'ghs_sweeper'

/** Two active runs of one group in `fullName`: the older one is superseded. */
function stalePair(fullName: string, firstId: number, now: number): ScenarioRun[] {
  return [30, 5].map((minutesAgo, i) => ({
    id: firstId + i,
    workflow_id: 11,
    head_branch: 'main',
    head_sha: (firstId + i).toString(16).padStart(40, '0'),
    event: 'push',
    status: 'in_progress',
    conclusion: null,
    run_attempt: 1,
    run_number: firstId + i,
    created_at: new Date(now - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    actor: 'alice',
    head_repository: fullName
  }))
}

/**
 * The app's token, installed on every repository of acme, and three more repositories: a
 * sandbox with stale runs (excluded by the step), an archived one with stale runs (left out by
 * the pattern), and a quiet one.
 */
function prepare(scenario: Scenario): void {
  scenario.tokens[SWEEPER] = {
    login: 'sweeper[bot]',
    kind: 'app',
    permissions: { actions: 'write', metadata: 'read' }
  }
  const now = Date.now()
  const add = (name: string, id: number, runs: ScenarioRun[], archived = false): void => {
    scenario.repositories.push({
      owner: 'acme',
      name,
      id,
      private: false,
      ...(archived && { archived }),
      workflows: [{ id: 11, name: 'CI', path: '.github/workflows/ci.yml', state: 'active' }],
      runs
    })
  }
  add('sandbox-tests', 901, stalePair('acme/sandbox-tests', 90_100, now))
  add('legacy', 902, stalePair('acme/legacy', 90_200, now), true)
  add('docs', 903, [])
}

function describe(simulator: Simulator): string {
  const active = (name: string): number =>
    simulator.state.repositories
      .find(repo => repo.name === name)
      ?.runs.filter(run => run.status !== 'completed').length ?? 0
  const listed = new Set(
    simulator.requests
      .map(request => /^\/repos\/acme\/([^/]+)\/actions\/runs$/.exec(request.path)?.[1])
      .filter((name): name is string => name !== undefined)
  )
  return `repositories listed: ${[...listed].sort().join(', ')}; sandbox-tests (excluded) and legacy (archived) still have ${active('sandbox-tests')} and ${active('legacy')} active runs`
}

export const organizationSweep: DemoStep = {
  operation: 'cancel-stale',
  title:
    'Nightly sweep of the whole organization: cancel stale runs in every repository of acme the app was granted, except sandbox-* (archived ones are left out)',
  token: SWEEPER,
  event: { name: 'schedule', payload: { schedule: '0 3 * * *' } },
  with: {
    repository: 'acme/*',
    'exclude-repository': 'acme/sandbox-*',
    'stale-after': '6h',
    limit: '500'
  },
  prepare,
  describe
}
