/**
 * The places a secret lives — a repository, an environment of a repository, an organization — for
 * each secret store (`actions`, `dependabot`, `codespaces`), behind one shape, so rotate-secrets
 * reads and writes them alike. Each adapter calls only its own store's endpoints in its own scope;
 * reads paginate with `octokit.paginate`.
 */
import { statusOf } from '../boundary/api-errors.js'
import { SEND_ONCE } from '../boundary/client.js'
import type { Octokit } from '../boundary/client.js'
import { PER_PAGE } from '../github-limits.js'
import { SECRET_APP_NAMES, type OrgSecretAccess } from '../operations/rotate-secrets/rules.js'
import type { PublicKey } from '../operations/rotate-secrets/sealed-box.js'
import type { RepositoryRef, SecretApp, SecretScopeKind, SecretVisibility } from '../settings.js'

/** A secret as the listing and the single read answer (GitHub never returns a value). */
export interface ExistingSecret {
  name: string
  /** ISO 8601. */
  updated_at: string
  /** Organization secrets only. */
  visibility?: SecretVisibility
}

/**
 * One store's secrets in one scope (e.g. the Dependabot secrets of acme/web), its endpoints bound
 * to the owner/repo, environment or organization.
 */
export interface ScopedSecrets {
  app: SecretApp
  kind: SecretScopeKind
  /** `owner/repo`, `owner/repo` for an environment, or the organization login: results' `repository`. */
  label: string
  /** How logs and errors name the scope, e.g. `repository acme/web`, `environment "production" of acme/web`. */
  place: string
  /** The store and the scope, e.g. `Dependabot secrets of repository acme/web`: log groups and errors. */
  description: string
  /** The page where a person sees these secrets. */
  url: string
  /** `GET …/secrets/public-key`. @throws the API error. */
  publicKey(): Promise<PublicKey>
  /** Every secret, by upper-cased name (`GET …/secrets`, every page). @throws the API error. */
  list(): Promise<Map<string, ExistingSecret>>
  /** One secret (`GET …/secrets/{secret_name}`); undefined on 404. @throws other API errors. */
  get(name: string): Promise<ExistingSecret | undefined>
  /**
   * `PUT …/secrets/{secret_name}` with the sealed value; organization writes also send `access`.
   * Sent once: the client does not retry it (see `SEND_ONCE`).
   * @returns the HTTP status: 201 created, 204 updated. @throws the API error.
   */
  put(name: string, sealed: string, keyId: string, access?: OrgSecretAccess): Promise<number>
}

const byName = (secrets: ExistingSecret[]): Map<string, ExistingSecret> =>
  new Map(secrets.map(secret => [secret.name.toUpperCase(), secret]))

async function orUndefinedOn404<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read()
  } catch (error) {
    if (statusOf(error) === 404) return undefined
    throw error
  }
}

const describe = (app: SecretApp, place: string): string =>
  `${SECRET_APP_NAMES[app]} secrets of ${place}`

/**
 * A repository's secrets of one store: `/repos/{owner}/{repo}/actions/secrets…`,
 * `…/dependabot/secrets…` or `…/codespaces/secrets…`.
 */
export function repositoryScope(
  octokit: Octokit,
  app: SecretApp,
  repository: RepositoryRef,
  serverUrl: string
): ScopedSecrets {
  const label = `${repository.owner}/${repository.repo}`
  const place = `repository ${label}`
  return {
    app,
    kind: 'repository',
    label,
    place,
    description: describe(app, place),
    url: `${serverUrl}/${label}/settings/secrets/${app}`,
    publicKey: async () =>
      (
        await octokit.request(`GET /repos/{owner}/{repo}/${app}/secrets/public-key`, {
          ...repository
        })
      ).data,
    list: async () =>
      byName(
        await octokit.paginate(`GET /repos/{owner}/{repo}/${app}/secrets`, {
          ...repository,
          per_page: PER_PAGE
        })
      ),
    get: async name =>
      orUndefinedOn404(
        async () =>
          (
            await octokit.request(`GET /repos/{owner}/{repo}/${app}/secrets/{secret_name}`, {
              ...repository,
              secret_name: name
            })
          ).data
      ),
    put: async (name, sealed, keyId) =>
      (
        await octokit.request(`PUT /repos/{owner}/{repo}/${app}/secrets/{secret_name}`, {
          ...repository,
          secret_name: name,
          encrypted_value: sealed,
          key_id: keyId,
          ...SEND_ONCE
        })
      ).status
  }
}

/**
 * An environment's secrets (Actions only): `/repos/{owner}/{repo}/environments/{environment_name}/secrets…`
 * (Octokit percent-encodes the name, so `team/staging` becomes `team%2Fstaging`).
 * @param environmentId the environment's id, for the link to its settings page.
 */
export function environmentScope(
  octokit: Octokit,
  repository: RepositoryRef,
  environment: string,
  environmentId: number,
  serverUrl: string
): ScopedSecrets {
  const label = `${repository.owner}/${repository.repo}`
  const place = `environment ${JSON.stringify(environment)} of ${label}`
  const where = { ...repository, environment_name: environment }
  return {
    app: 'actions',
    kind: 'environment',
    label,
    place,
    description: describe('actions', place),
    url: `${serverUrl}/${label}/settings/environments/${environmentId}/edit`,
    publicKey: async () => (await octokit.rest.actions.getEnvironmentPublicKey(where)).data,
    list: async () =>
      byName(
        await octokit.paginate(octokit.rest.actions.listEnvironmentSecrets, {
          ...where,
          per_page: PER_PAGE
        })
      ),
    get: async name =>
      orUndefinedOn404(
        async () =>
          (await octokit.rest.actions.getEnvironmentSecret({ ...where, secret_name: name })).data
      ),
    put: async (name, sealed, keyId) =>
      (
        await octokit.rest.actions.createOrUpdateEnvironmentSecret({
          ...where,
          secret_name: name,
          encrypted_value: sealed,
          key_id: keyId,
          ...SEND_ONCE
        })
      ).status
  }
}

/**
 * An organization's secrets of one store: `/orgs/{org}/actions/secrets…`,
 * `…/dependabot/secrets…` or `…/codespaces/secrets…`. Every write sends the visibility and, for
 * `selected`, the repository ids (as integers, which every store accepts).
 */
export function organizationScope(
  octokit: Octokit,
  app: SecretApp,
  org: string,
  serverUrl: string
): ScopedSecrets {
  const place = `organization ${org}`
  return {
    app,
    kind: 'organization',
    label: org,
    place,
    description: describe(app, place),
    url: `${serverUrl}/organizations/${org}/settings/secrets/${app}`,
    publicKey: async () =>
      (await octokit.request(`GET /orgs/{org}/${app}/secrets/public-key`, { org })).data,
    list: async () =>
      byName(await octokit.paginate(`GET /orgs/{org}/${app}/secrets`, { org, per_page: PER_PAGE })),
    get: async name =>
      orUndefinedOn404(
        async () =>
          (
            await octokit.request(`GET /orgs/{org}/${app}/secrets/{secret_name}`, {
              org,
              secret_name: name
            })
          ).data
      ),
    put: async (name, sealed, keyId, access) => {
      const { visibility, selectedRepositoryIds } = access ?? { visibility: 'private' }
      const response = await octokit.request(`PUT /orgs/{org}/${app}/secrets/{secret_name}`, {
        org,
        secret_name: name,
        encrypted_value: sealed,
        key_id: keyId,
        visibility,
        ...(visibility === 'selected' && { selected_repository_ids: selectedRepositoryIds ?? [] }),
        ...SEND_ONCE
      })
      return response.status
    }
  }
}

/**
 * The ids of every repository an organization secret with visibility `selected` is shared with:
 * `GET /orgs/{org}/{app}/secrets/{secret_name}/repositories` (`app` being `actions`, `dependabot`
 * or `codespaces`), every page (100 per page).
 * @throws the API error of any page.
 */
export async function listSelectedRepositoryIds(
  octokit: Octokit,
  app: SecretApp,
  org: string,
  name: string
): Promise<number[]> {
  const repositories = await octokit.paginate(
    `GET /orgs/{org}/${app}/secrets/{secret_name}/repositories`,
    { org, secret_name: name, per_page: PER_PAGE }
  )
  return repositories.map(repository => repository.id)
}
