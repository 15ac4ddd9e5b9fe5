import type { Scenario, ScenarioSecret, Simulator } from '../../simulator/index.js'
import { findOrganization } from '../../simulator/index.js'
import type { DemoStep } from './types.js'

/** A GitHub App installation token: `GITHUB_TOKEN` cannot write secrets. */
const ROTATOR = 'ghs_rotator'
const SELECTED = 150
const LAST_ROTATED = '2026-01-01T00:00:00Z'

/**
 * The rotator token, NPM_TOKEN in acme/web's Actions and Dependabot secrets, and organization acme
 * sharing NPM_TOKEN with 150 repositories.
 */
function prepare(scenario: Scenario): void {
  scenario.tokens[ROTATOR] = {
    login: 'rotator[bot]',
    kind: 'app',
    permissions: {
      secrets: 'write',
      dependabot_secrets: 'write',
      environments: 'write',
      actions: 'read',
      organization_secrets: 'write',
      metadata: 'read'
    }
  }
  const web = scenario.repositories.find(repo => repo.name === 'web')
  if (web) {
    const old = (): ScenarioSecret => ({
      name: 'NPM_TOKEN',
      value: 'old',
      created_at: LAST_ROTATED,
      updated_at: LAST_ROTATED
    })
    web.secrets = [old()]
    web.dependabot_secrets = [old()]
  }
  for (let i = 0; i < SELECTED; i++) {
    scenario.repositories.push({
      owner: 'acme',
      name: `svc-${i}`,
      id: 1000 + i,
      private: true,
      workflows: [],
      runs: []
    })
  }
  scenario.organizations = [
    {
      login: 'acme',
      secrets: [
        {
          name: 'NPM_TOKEN',
          value: 'old',
          created_at: LAST_ROTATED,
          updated_at: LAST_ROTATED,
          visibility: 'selected',
          selected_repository_ids: Array.from({ length: SELECTED }, (_, i) => 1000 + i)
        }
      ]
    }
  ]
}

function describeRepositories(simulator: Simulator): string {
  const values = ['web', 'api'].flatMap(name => {
    const repo = simulator.state.repositories.find(r => r.name === name)
    return [repo?.secrets, repo?.dependabot_secrets].map(
      secrets => secrets?.find(secret => secret.name === 'NPM_TOKEN')?.value ?? ''
    )
  })
  const same = values[0] !== '' && values.every(value => value === values[0])
  return `NPM_TOKEN opened by the simulator in the Actions and Dependabot secrets of acme/web and acme/api: ${same ? `the same new ${values[0]?.length}-character value in all four` : 'different values'}`
}

function describeOrganization(simulator: Simulator): string {
  const secrets = findOrganization(simulator.state, 'acme')?.secrets ?? []
  return secrets
    .map(secret => {
      const shared =
        secret.visibility === 'selected'
          ? ` (${secret.selected_repository_ids?.length ?? 0} repositories)`
          : ''
      return `${secret.name}: visibility ${secret.visibility}${shared}, value ${secret.value === 'old' ? 'unchanged' : 'rotated'}`
    })
    .join('; ')
}

export const rotateSecretsRepositories: DemoStep = {
  operation: 'rotate-secrets',
  title:
    'Generate a new NPM_TOKEN and SENTRY_DSN and write each, sealed, to the Actions and Dependabot secrets of acme/web and acme/api (one value per name)',
  token: ROTATOR,
  with: {
    repository: 'acme/web\nacme/api',
    secrets: 'NPM_TOKEN, SENTRY_DSN',
    app: 'actions, dependabot',
    generate: 'true'
  },
  prepare,
  describe: describeRepositories
}

export const rotateSecretsOrganization: DemoStep = {
  operation: 'rotate-secrets',
  title:
    'Rotate the organization secret NPM_TOKEN (shared with 150 repositories) and create SIGNING_KEY, keeping visibility',
  token: ROTATOR,
  with: {
    repository: 'acme/web',
    secrets: 'NPM_TOKEN, SIGNING_KEY',
    generate: 'true',
    encoding: 'alphanumeric',
    length: '40',
    scope: 'organization'
  },
  prepare,
  describe: describeOrganization
}
