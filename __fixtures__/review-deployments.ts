/** Builders for review-deployments scenarios: environments with required reviewers, waiting runs. */
import type {
  Scenario,
  ScenarioEnvironment,
  ScenarioRepository,
  ScenarioRun,
  ScenarioToken
} from '../simulator/index.js'
import { minutesAgo, repository, run, scenario } from './scenario.js'

/** `staging` (reviewer rita), `production` (reviewers rita and bob, 30 min wait timer), `qa` (an app's rule). */
export const ENVIRONMENTS: ScenarioEnvironment[] = [
  { id: 201, name: 'staging', reviewers: ['rita'] },
  { id: 202, name: 'production', reviewers: ['rita', 'bob'], wait_timer: 30 },
  { id: 203, name: 'qa', protection_rule_app: 'deploy-gate[bot]' },
  { id: 204, name: 'audit', reviewers: ['carol'] }
]

/** Tokens for reviews: a required reviewer, a person who is not one, the rule's app, another app. */
export const REVIEW_TOKENS: Record<string, ScenarioToken> = {
  ghp_rita: { login: 'rita', kind: 'user' },
  ghp_otto: { login: 'otto', kind: 'user' },
  ghs_deploy: {
    login: 'github-actions[bot]',
    kind: 'github-token',
    permissions: { actions: 'write', deployments: 'write', metadata: 'read' }
  },
  ghs_gate: {
    login: 'deploy-gate[bot]',
    kind: 'app',
    permissions: { actions: 'read', deployments: 'write', metadata: 'read' }
  },
  ghs_other_app: {
    login: 'other-app[bot]',
    kind: 'app',
    permissions: { actions: 'read', deployments: 'write', metadata: 'read' }
  }
}

/** A run of `deploy.yml` (workflow 12) on `main`, waiting on `environments`, created 10 minutes ago. */
export function waitingRun(
  environments: string[],
  overrides: Partial<ScenarioRun> = {}
): ScenarioRun {
  return run({
    workflow_id: 12,
    status: 'waiting',
    pending_deployments: environments.map(environment => ({
      environment,
      wait_timer_started_at: minutesAgo(10)
    })),
    ...overrides
  })
}

/** `acme/web` with the environments above and `runs`; options set the waiting-filter quirk. */
export function deployRepository(
  runs: ScenarioRun[],
  options: {
    waitingFilter?: ScenarioRepository['waiting_filter']
    fullName?: string
    id?: number
  } = {}
): ScenarioRepository {
  return {
    ...repository(options.fullName ?? 'acme/web', runs, options.id),
    environments: structuredClone(ENVIRONMENTS),
    ...(options.waitingFilter && { waiting_filter: options.waitingFilter })
  }
}

/** A scenario with the standard and review tokens. */
export function deployScenario(...repositories: ScenarioRepository[]): Scenario {
  const world = scenario(...repositories)
  world.tokens = { ...world.tokens, ...structuredClone(REVIEW_TOKENS) }
  return world
}

/** The callback URL of the rule `qa` waits on in run 7 of acme/web. */
const CALLBACK = 'https://api.github.com/repos/acme/web/actions/runs/7/deployment_protection_rule'

/**
 * The `deployment_protection_rule` event GitHub sends the rule's app when run 7 of acme/web reaches
 * `environment`.
 */
export function protectionRuleEvent(environment = 'qa'): { name: string; payload: unknown } {
  return {
    name: 'deployment_protection_rule',
    payload: {
      action: 'requested',
      environment,
      event: 'push',
      ref: 'refs/heads/main',
      sha: '0'.repeat(40),
      deployment_callback_url: CALLBACK,
      deployment: null,
      repository: { full_name: 'acme/web' }
    }
  }
}

/** The id of the first run of `busyDeployments`; run `BUSY_FIRST_ID + i` is the i-th. */
export const BUSY_FIRST_ID = 30_000

/** What the i-th run of `busyDeployments` waits on: one in ten also on `audit`, which rita may not approve. */
export function busyWaits(i: number): string[] {
  if (i % 10 === 9) return ['staging', 'audit']
  return i % 2 === 1 ? ['staging', 'production'] : ['staging']
}

/**
 * `acme/web` with `count` deploy runs waiting for a review (run `BUSY_FIRST_ID + i` waits on
 * `busyWaits(i)`, the higher the id the newer), and two runs that do not wait (one in progress,
 * one completed).
 */
export function busyDeployments(count = 300): Scenario {
  const runs = Array.from({ length: count }, (_, i) =>
    waitingRun(busyWaits(i), { id: BUSY_FIRST_ID + i, created_at: minutesAgo(600 - i) })
  )
  runs.push(run({ id: BUSY_FIRST_ID - 1, status: 'in_progress' }))
  runs.push(run({ id: BUSY_FIRST_ID - 2, status: 'completed', conclusion: 'success' }))
  return deployScenario(deployRepository(runs))
}
