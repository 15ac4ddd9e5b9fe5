import { generateScenario, type Scenario } from '../../simulator/index.js'
import { pages, type BenchCase } from './types.js'

/** Runs per repository: the sizes (100, 1,000, 5,000 runs) become 1, 10 and 50 repositories. */
const RUNS_PER_REPOSITORY = 100
/** Written into every repository: the first three exist already, the last one is new. */
const SECRETS = ['NPM_TOKEN', 'DEPLOY_KEY', 'SENTRY_DSN', 'NEW_API_KEY']
const EXISTING = SECRETS.slice(0, 3)
const TOKEN = 'ghs_rotator'

export const rotateSecretsBench: BenchCase = {
  operation: 'rotate-secrets',
  sizes: [100, 1000, 5000],
  unit: `runs (${RUNS_PER_REPOSITORY} per repository, ${SECRETS.length} secrets each)`,
  token: TOKEN,
  scenario: size => {
    const scenario = generateScenario({
      seed: size,
      repositories: Math.max(1, Math.round(size / RUNS_PER_REPOSITORY)),
      runsPerRepository: RUNS_PER_REPOSITORY,
      jobs: false
    })
    scenario.rateLimit = { limit: 100_000 }
    scenario.tokens[TOKEN] = {
      login: 'rotator[bot]',
      kind: 'app',
      permissions: { secrets: 'write', actions: 'read', metadata: 'read' }
    }
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
  with: scenario => ({
    repository: repositoriesOf(scenario).join('\n'),
    secrets: SECRETS.join('\n'),
    generate: 'true',
    limit: '10000'
  }),
  // Per repository, the reads no client can skip: the public key (to seal the values), the pages of
  // its secrets before the writes (which exist, and their `updated_at` to prove each write against)
  // and after them (the proof the operation promises, one listing for all its writes). Then one
  // PUT per secret written.
  minimum: (scenario, run) => {
    const reads = scenario.repositories.reduce(
      (sum, repository) => sum + 1 + pages(repository.secrets?.length ?? 0) + pages(SECRETS.length),
      0
    )
    return { reads, writes: run.result.filter(r => r.outcome === 'done').length }
  }
}

function repositoriesOf(scenario: Scenario): string[] {
  return scenario.repositories.map(repository => `${repository.owner}/${repository.name}`)
}

/** Written into the Actions and Dependabot secrets of every repository: the first exists in both. */
const STORE_SECRETS = ['NPM_TOKEN', 'REGISTRY_TOKEN']
const STORES = ['actions', 'dependabot']

/**
 * One rotation into two secret stores (`app: actions, dependabot`) of 50 repositories: every
 * store of every repository has its own public key, listing and proof.
 */
export const rotateSecretsStoresBench: BenchCase = {
  operation: 'rotate-secrets',
  name: 'rotate-secrets-stores',
  sizes: [50],
  unit: `repositories × ${STORE_SECRETS.length} secrets × ${STORES.length} stores`,
  token: TOKEN,
  scenario: size => {
    const scenario = generateScenario({
      seed: size,
      repositories: size,
      runsPerRepository: 1,
      jobs: false
    })
    scenario.rateLimit = { limit: 100_000 }
    scenario.tokens[TOKEN] = {
      login: 'rotator[bot]',
      kind: 'app',
      permissions: {
        secrets: 'write',
        dependabot_secrets: 'write',
        actions: 'read',
        metadata: 'read'
      }
    }
    const existing = (): NonNullable<Scenario['repositories'][number]['secrets']> => [
      {
        name: STORE_SECRETS[0] ?? '',
        value: 'old-value',
        created_at: '2025-11-22T12:00:00Z',
        updated_at: '2025-11-22T12:00:00Z'
      }
    ]
    for (const repository of scenario.repositories) {
      repository.secrets = existing()
      repository.dependabot_secrets = existing()
    }
    return scenario
  },
  with: scenario => ({
    repository: repositoriesOf(scenario).join('\n'),
    secrets: STORE_SECRETS.join('\n'),
    app: STORES.join(', '),
    generate: 'true',
    limit: '10000'
  }),
  // Per store of each repository, as for one store: its public key, the pages of its secrets
  // before and after the writes, and one PUT per secret written.
  minimum: (scenario, run) => {
    const reads = scenario.repositories.reduce(
      (sum, repository) =>
        sum +
        [repository.secrets, repository.dependabot_secrets].reduce(
          (perStore, secrets) =>
            perStore + 1 + pages(secrets?.length ?? 0) + pages(STORE_SECRETS.length),
          0
        ),
      0
    )
    return { reads, writes: run.result.filter(r => r.outcome === 'done').length }
  }
}
