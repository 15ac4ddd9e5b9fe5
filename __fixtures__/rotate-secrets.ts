/** Scenario builders for rotate-secrets: repositories with secrets and environments, an organization. */
import type { Scenario, ScenarioOrgSecret, ScenarioSecret, Simulator } from '../simulator/index.js'
import { findOrganization } from '../simulator/index.js'
import { repository, scenario } from './scenario.js'

/** A GitHub App installation token that may read and write every kind of secret. */
export const ROTATOR_TOKEN = 'ghs_rotator'

/** When existing secrets were last written: well before any test runs. */
export const LAST_ROTATED = '2026-01-01T00:00:00Z'

/** A secret written before the test with `value`. */
export function secret(name: string, value = 'old-value'): ScenarioSecret {
  return { name, value, created_at: LAST_ROTATED, updated_at: LAST_ROTATED }
}

export interface SecretsWorld {
  /** Repository secrets of acme/web and acme/api. */
  web?: ScenarioSecret[]
  api?: ScenarioSecret[]
  /** Environments of both repositories (each gets its own, empty unless `environmentSecrets`). */
  environments?: string[]
  environmentSecrets?: ScenarioSecret[]
  /** Organization `acme` secrets; `orgRepositories` more repositories acme/svc-0… (ids 1000…). */
  orgSecrets?: ScenarioOrgSecret[]
  orgRepositories?: number
}

/** acme/web (id 101) and acme/api (id 102) with their secrets, and the organization acme. */
export function secretsWorld(world: SecretsWorld = {}): Scenario {
  const web = repository('acme/web', [], 101)
  const api = repository('acme/api', [], 102)
  web.secrets = structuredClone(world.web ?? [])
  api.secrets = structuredClone(world.api ?? [])
  for (const repo of [web, api]) {
    repo.environments = (world.environments ?? []).map(name => ({
      name,
      secrets: structuredClone(world.environmentSecrets ?? [])
    }))
  }
  const more = Array.from({ length: world.orgRepositories ?? 0 }, (_, i) =>
    repository(`acme/svc-${i}`, [], 1000 + i)
  )
  const result = scenario(web, api, ...more)
  result.tokens[ROTATOR_TOKEN] = {
    login: 'rotator[bot]',
    kind: 'app',
    permissions: {
      secrets: 'write',
      environments: 'write',
      actions: 'read',
      organization_secrets: 'write',
      metadata: 'read'
    }
  }
  result.organizations = [{ login: 'acme', secrets: structuredClone(world.orgSecrets ?? []) }]
  return result
}

/** The plaintext the simulator opened for each secret of a repository, by name. */
export function repositoryValues(sim: Simulator, fullName: string): Record<string, string> {
  const repo = sim.state.repositories.find(r => `${r.owner}/${r.name}` === fullName)
  return plaintexts(repo?.secrets)
}

/** The plaintext of each secret of an environment of a repository, by name. */
export function environmentValues(
  sim: Simulator,
  fullName: string,
  environment: string
): Record<string, string> {
  const repo = sim.state.repositories.find(r => `${r.owner}/${r.name}` === fullName)
  return plaintexts(repo?.environments?.find(e => e.name === environment)?.secrets)
}

/** The organization secret `name` of acme as the simulator holds it. */
export function orgSecret(sim: Simulator, name: string): ScenarioOrgSecret | undefined {
  return findOrganization(sim.state, 'acme')?.secrets?.find(s => s.name === name)
}

function plaintexts(secrets: ScenarioSecret[] | undefined): Record<string, string> {
  return Object.fromEntries((secrets ?? []).map(s => [s.name, s.value ?? '']))
}
