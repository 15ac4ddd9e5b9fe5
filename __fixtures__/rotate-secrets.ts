/** Scenario builders for rotate-secrets: repositories with secrets and environments, an organization. */
import type {
  RecordedRequest,
  Scenario,
  ScenarioOrganization,
  ScenarioOrgSecret,
  ScenarioSecret,
  ScenarioToken,
  SecretApp,
  Simulator
} from '../simulator/index.js'
import { findOrganization } from '../simulator/index.js'
import { repository, scenario } from './scenario.js'

/** A GitHub App installation token that may read and write every kind of secret. */
export const ROTATOR_TOKEN = 'ghs_rotator'

/** What the rotator token may do: read and write every kind of secret, of every store. */
export const ROTATOR: ScenarioToken = {
  login: 'rotator[bot]',
  kind: 'app',
  permissions: {
    secrets: 'write',
    environments: 'write',
    actions: 'read',
    organization_secrets: 'write',
    dependabot_secrets: 'write',
    organization_dependabot_secrets: 'write',
    codespaces_secrets: 'write',
    organization_codespaces_secrets: 'write',
    metadata: 'read'
  }
}

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
  /** Dependabot and Codespaces secrets of acme/web, acme/api and the organization acme. */
  dependabot?: StoreSecrets
  codespaces?: StoreSecrets
}

/** One store's secrets in the world of `secretsWorld`. */
export interface StoreSecrets {
  web?: ScenarioSecret[]
  api?: ScenarioSecret[]
  org?: ScenarioOrgSecret[]
}

/** Where the scenario keeps each store's secrets (repositories and organizations alike). */
const FIELD = {
  actions: 'secrets',
  dependabot: 'dependabot_secrets',
  codespaces: 'codespaces_secrets'
} as const

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
  result.tokens[ROTATOR_TOKEN] = structuredClone(ROTATOR)
  const org: ScenarioOrganization = {
    login: 'acme',
    secrets: structuredClone(world.orgSecrets ?? [])
  }
  for (const app of ['dependabot', 'codespaces'] as const) {
    const store = world[app]
    if (!store) continue
    web[FIELD[app]] = structuredClone(store.web ?? [])
    api[FIELD[app]] = structuredClone(store.api ?? [])
    org[FIELD[app]] = structuredClone(store.org ?? [])
  }
  result.organizations = [org]
  return result
}

/** The secrets written into every repository of `busySecretsWorld`: KEY_01…KEY_15. */
export const BUSY_SECRETS = Array.from(
  { length: 15 },
  (_, i) => `KEY_${String(i + 1).padStart(2, '0')}`
)

/** KEY_01…KEY_10 exist in every repository of `busySecretsWorld`; KEY_11…KEY_15 are new. */
export const isBusyExisting = (name: string): boolean => BUSY_SECRETS.indexOf(name) < 10

/** `acme/svc-000`, `acme/svc-001`, … */
export const svc = (index: number): string => `acme/svc-${String(index).padStart(3, '0')}`

/**
 * `count` repositories acme/svc-000… (ids 2000…), each holding KEY_01…KEY_10 (written at
 * LAST_ROTATED): rotating BUSY_SECRETS into all of them makes `15 × count` targets.
 */
export function busySecretsWorld(count: number): Scenario {
  const repositories = Array.from({ length: count }, (_, i) => {
    const repo = repository(svc(i), [], 2000 + i)
    repo.secrets = BUSY_SECRETS.filter(isBusyExisting).map(name => secret(name))
    return repo
  })
  const result = scenario(...repositories)
  result.tokens[ROTATOR_TOKEN] = structuredClone(ROTATOR)
  return result
}

/**
 * Calls `act` once, as soon as the first request matching `match` reaches the simulator (before it
 * is answered): the way to change the world between the action's reads and its writes.
 */
export function onFirstRequest(
  sim: Simulator,
  match: (request: RecordedRequest) => boolean,
  act: () => void
): void {
  const { requests } = sim
  const push = requests.push.bind(requests)
  let fired = false
  requests.push = (...items: RecordedRequest[]): number => {
    const length = push(...items)
    if (!fired && items.some(match)) {
      fired = true
      act()
    }
    return length
  }
}

/** The plaintext the simulator opened for each secret of a repository (of `app`'s store), by name. */
export function repositoryValues(
  sim: Simulator,
  fullName: string,
  app: SecretApp = 'actions'
): Record<string, string> {
  const repo = sim.state.repositories.find(r => `${r.owner}/${r.name}` === fullName)
  return plaintexts(repo?.[FIELD[app]])
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

/** The organization secret `name` of acme (in `app`'s store) as the simulator holds it. */
export function orgSecret(
  sim: Simulator,
  name: string,
  app: SecretApp = 'actions'
): ScenarioOrgSecret | undefined {
  return findOrganization(sim.state, 'acme')?.[FIELD[app]]?.find(s => s.name === name)
}

function plaintexts(secrets: ScenarioSecret[] | undefined): Record<string, string> {
  return Object.fromEntries((secrets ?? []).map(s => [s.name, s.value ?? '']))
}
