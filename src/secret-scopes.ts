/**
 * The three places an Actions secret lives — a repository, an environment of a repository, an
 * organization — behind one shape, so rotate-secrets reads and writes them alike. Each adapter
 * calls only its own scope's endpoints; reads paginate with `octokit.paginate`.
 */
import { statusOf } from './api-errors.js'
import { SEND_ONCE } from './client.js'
import type { Octokit } from './client.js'
import type { OrgSecretAccess } from './rules/secret-writes.js'
import type { PublicKey } from './sealed-box.js'
import type { RepositoryRef, SecretVisibility } from './settings.js'

/** A secret as the listing and the single read answer (GitHub never returns a value). */
export interface ExistingSecret {
  name: string
  /** ISO 8601. */
  updated_at: string
  /** Organization secrets only. */
  visibility?: SecretVisibility
}

/** A scope's endpoints, bound to its owner/repo, environment or organization. */
export interface SecretScope {
  kind: 'repository' | 'environment' | 'organization'
  /** `owner/repo`, `owner/repo` for an environment, or the organization login: results' `repository`. */
  label: string
  /** How logs and errors name the scope, e.g. `environment "production" of acme/web`. */
  description: string
  /** The page where a person sees the scope's secrets. */
  url: string
  /** `GET …/secrets/public-key`. @throws the API error. */
  publicKey(): Promise<PublicKey>
  /** Every secret of the scope, by upper-cased name (`GET …/secrets`, every page). @throws the API error. */
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

const PER_PAGE = 100

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

/** A repository's secrets: `/repos/{owner}/{repo}/actions/secrets…`. */
export function repositoryScope(
  octokit: Octokit,
  repository: RepositoryRef,
  serverUrl: string
): SecretScope {
  const label = `${repository.owner}/${repository.repo}`
  return {
    kind: 'repository',
    label,
    description: `repository ${label}`,
    url: `${serverUrl}/${label}/settings/secrets/actions`,
    publicKey: async () => (await octokit.rest.actions.getRepoPublicKey({ ...repository })).data,
    list: async () =>
      byName(
        await octokit.paginate(octokit.rest.actions.listRepoSecrets, {
          ...repository,
          per_page: PER_PAGE
        })
      ),
    get: async name =>
      orUndefinedOn404(
        async () =>
          (await octokit.rest.actions.getRepoSecret({ ...repository, secret_name: name })).data
      ),
    put: async (name, sealed, keyId) =>
      (
        await octokit.rest.actions.createOrUpdateRepoSecret({
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
 * An environment's secrets: `/repos/{owner}/{repo}/environments/{environment_name}/secrets…`
 * (Octokit percent-encodes the name, so `team/staging` becomes `team%2Fstaging`).
 * @param environmentId the environment's id, for the link to its settings page.
 */
export function environmentScope(
  octokit: Octokit,
  repository: RepositoryRef,
  environment: string,
  environmentId: number,
  serverUrl: string
): SecretScope {
  const label = `${repository.owner}/${repository.repo}`
  const where = { ...repository, environment_name: environment }
  return {
    kind: 'environment',
    label,
    description: `environment ${JSON.stringify(environment)} of ${label}`,
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

/** An organization's secrets: `/orgs/{org}/actions/secrets…`. */
export function organizationScope(octokit: Octokit, org: string, serverUrl: string): SecretScope {
  return {
    kind: 'organization',
    label: org,
    description: `organization ${org}`,
    url: `${serverUrl}/organizations/${org}/settings/secrets/actions`,
    publicKey: async () => (await octokit.rest.actions.getOrgPublicKey({ org })).data,
    list: async () =>
      byName(
        await octokit.paginate(octokit.rest.actions.listOrgSecrets, { org, per_page: PER_PAGE })
      ),
    get: async name =>
      orUndefinedOn404(
        async () => (await octokit.rest.actions.getOrgSecret({ org, secret_name: name })).data
      ),
    put: async (name, sealed, keyId, access) => {
      const { visibility, selectedRepositoryIds } = access ?? { visibility: 'private' }
      const response = await octokit.rest.actions.createOrUpdateOrgSecret({
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
 * `GET /orgs/{org}/actions/secrets/{secret_name}/repositories`, every page (100 per page).
 * @throws the API error of any page.
 */
export async function listSelectedRepositoryIds(
  octokit: Octokit,
  org: string,
  name: string
): Promise<number[]> {
  const repositories = await octokit.paginate(octokit.rest.actions.listSelectedReposForOrgSecret, {
    org,
    secret_name: name,
    per_page: PER_PAGE
  })
  return repositories.map(repository => repository.id)
}
