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
