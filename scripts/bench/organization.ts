/**
 * Sweeps of a whole organization (`repository: acme/*`) with a GitHub App installation token:
 * 1,000 repositories, 20 of which have work, where the per-repository listings dominate; and
 * 10,000 repositories with a target each, for the memory the resolved list and the results take.
 */
import { generateOrganization, type Scenario } from '../../simulator/index.js'
import type { ActionRun } from '../lib/runner.js'
import { pages, runListingMinimum, type BenchCase } from './types.js'

const REPOSITORIES = 1000
const WITH_WORK = 20
const TOKEN = 'ghs_sweeper'
/** Written into every repository the rotation's pattern matches: three exist, the last is new. */
const SECRETS = ['NPM_TOKEN', 'DEPLOY_KEY', 'SENTRY_DSN', 'NEW_API_KEY']
const EXISTING = SECRETS.slice(0, 3)

/** An organization of `repositories`, `withWork` of them busy, and the sweeping app's token. */
function organization(repositories: number, withWork: number, quietActiveRuns = 0): Scenario {
  const scenario = generateOrganization({
    seed: repositories,
    repositories,
    withWork,
    quietActiveRuns
  })
  scenario.rateLimit = { limit: 100_000 }
  scenario.tokens[TOKEN] = {
    login: 'sweeper[bot]',
    kind: 'app',
    permissions: { actions: 'write', secrets: 'write', metadata: 'read' }
  }
  return scenario
}

const done = (run: ActionRun): number => run.result.filter(r => r.outcome === 'done').length

/**
 * Runs a repository's run listing cannot do with less than: one request when its runs (created
 * since `createdAfter`) fit on one page, else a page per 100 runs of each status asked for.
 */
function listingMinimum(
  scenario: Scenario,
  statuses: readonly string[],
  createdAfter?: number
): number {
  return scenario.repositories.reduce((sum, repository) => {
    const runs = repository.runs.filter(
      run => createdAfter === undefined || Date.parse(run.created_at) >= createdAfter
    )
    return sum + runListingMinimum(runs, statuses)
  }, 0)
}

const ACTIVE = ['queued', 'in_progress', 'waiting', 'pending', 'requested']

function cancelStaleSweep(dryRun: boolean): BenchCase {
  return {
    name: `cancel-stale-org${dryRun ? '-dry-run' : ''}`,
    operation: 'cancel-stale',
    sizes: [REPOSITORIES],
    unit: `repositories, ${WITH_WORK} with work${dryRun ? ', dry run' : ''}`,
    token: TOKEN,
    scenario: size => organization(size, WITH_WORK),
    with: () => ({ repository: 'acme/*', limit: '10000', 'dry-run': String(dryRun) }),
    repositories: scenario => scenario.repositories.length,
    // The installation's repositories, page by page, then each repository's active runs.
    minimum: (scenario, run) => ({
      reads: pages(scenario.repositories.length) + listingMinimum(scenario, ACTIVE),
      writes: done(run)
    })
  }
}

export const cancelStaleOrganizationBench = cancelStaleSweep(false)
export const cancelStaleOrganizationDryRunBench = cancelStaleSweep(true)

export const rerunFailedOrganizationBench: BenchCase = {
  name: 'rerun-failed-org',
  operation: 'rerun-failed',
  sizes: [REPOSITORIES],
  unit: `repositories, ${WITH_WORK} with work`,
  token: TOKEN,
  scenario: size => organization(size, WITH_WORK),
  with: () => ({ repository: 'acme/*', limit: '10000' }),
  repositories: scenario => scenario.repositories.length,
  // The installation's repositories, then each repository's runs of the last 24 hours (which
  // also show whether a newer run supersedes a failed one).
  minimum: (scenario, run) => ({
    reads:
      pages(scenario.repositories.length) +
      listingMinimum(scenario, ['failure'], Date.now() - 24 * 3600_000),
    writes: done(run)
  })
}

export const rotateSecretsOrganizationBench: BenchCase = {
  name: 'rotate-secrets-org',
  operation: 'rotate-secrets',
  sizes: [REPOSITORIES],
  unit: `repositories, acme/svc-* matches ${WITH_WORK}, ${SECRETS.length} secrets each`,
  token: TOKEN,
  scenario: size => {
    const scenario = organization(size, WITH_WORK)
    // Written a year before the scenario's clock, so every rotation moves `updated_at`.
    for (const repository of scenario.repositories) {
      repository.secrets = EXISTING.map(name => ({
        name,
        value: 'old-value',
        created_at: '2025-11-22T12:00:00Z',
        updated_at: '2025-11-22T12:00:00Z'
      }))
    }
    return scenario
  },
  with: () => ({
    repository: 'acme/svc-*',
    secrets: SECRETS.join('\n'),
    generate: 'true',
    limit: '10000'
  }),
  repositories: scenario => matched(scenario).length,
  // The installation's repositories, then per matched repository its public key and its secrets
  // before and after the writes; one PUT per secret.
  minimum: (scenario, run) => ({
    reads:
      pages(scenario.repositories.length) +
      matched(scenario).reduce(
        (sum, repository) =>
          sum + 1 + pages(repository.secrets?.length ?? 0) + pages(SECRETS.length),
        0
      ),
    writes: done(run)
  })
}

const matched = (scenario: Scenario): Scenario['repositories'] =>
  scenario.repositories.filter(repository => repository.name.startsWith('svc-'))

/** 10,000 repositories with one superseded run each: the resolved list and 10,000 results. */
export const memoryOrganizationBench: BenchCase = {
  name: 'cancel-stale-org-10k',
  operation: 'cancel-stale',
  sizes: [10_000],
  unit: 'repositories, one stale run each, dry run',
  token: TOKEN,
  latencyMs: 0,
  scenario: size => organization(size, 0, 2),
  with: () => ({ repository: 'acme/*', limit: '10000', 'dry-run': 'true' }),
  repositories: scenario => scenario.repositories.length,
  minimum: (scenario, run) => ({
    reads: pages(scenario.repositories.length) + listingMinimum(scenario, ACTIVE),
    writes: done(run)
  })
}
