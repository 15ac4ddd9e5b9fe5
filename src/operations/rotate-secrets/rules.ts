/**
 * Decisions of rotate-secrets that need no API: which scopes each secret store has, what
 * visibility an organization secret is written with, and whether a write is proven by the
 * secret's `updated_at`.
 */
import type { SecretApp, SecretScopeKind, SecretVisibility } from '../../settings.js'

/** The secret stores, in the order the documentation lists them (the `app` input's values). */
export const SECRET_APPS: readonly SecretApp[] = ['actions', 'dependabot', 'codespaces']

/** How messages and the job summary name each store. */
export const SECRET_APP_NAMES: Record<SecretApp, string> = {
  actions: 'Actions',
  dependabot: 'Dependabot',
  codespaces: 'Codespaces'
}

/** The scopes each store has: GitHub keeps Dependabot and Codespaces secrets in no environment. */
export const SECRET_APP_SCOPES: Record<SecretApp, readonly SecretScopeKind[]> = {
  actions: ['repository', 'environment', 'organization'],
  dependabot: ['repository', 'organization'],
  codespaces: ['repository', 'organization']
}

/** What GitHub's `PUT /orgs/{org}/{app}/secrets/{secret_name}` gets besides the value. */
export interface OrgSecretAccess {
  visibility: SecretVisibility
  /** Repository ids, only for visibility `selected` (GitHub clears the list when they are left out). */
  selectedRepositoryIds?: number[]
}

/**
 * The access an organization secret is written with. GitHub requires `visibility` on every write
 * and replaces the selected repositories with what the write sends, so keeping an existing secret's
 * access means sending it back in full.
 * @param requested the `visibility` input (undefined = keep) and, for `selected`, the ids the
 *   `selected-repositories` names resolved to.
 * @param existing the secret as it is now (its selected ids from every page), undefined when new.
 * @returns `requested` when given; else the existing access; else `private` (GitHub's safest).
 */
export function orgSecretAccess(
  requested: { visibility?: SecretVisibility; selectedRepositoryIds: number[] },
  existing: OrgSecretAccess | undefined
): OrgSecretAccess {
  const chosen: OrgSecretAccess =
    requested.visibility !== undefined
      ? { visibility: requested.visibility, selectedRepositoryIds: requested.selectedRepositoryIds }
      : (existing ?? { visibility: 'private' })
  return chosen.visibility === 'selected'
    ? { visibility: 'selected', selectedRepositoryIds: [...(chosen.selectedRepositoryIds ?? [])] }
    : { visibility: chosen.visibility }
}

/**
 * Whether reading the secret back proves the write: GitHub returns no value, only `updated_at`.
 * @param before `updated_at` before the write (ISO 8601), undefined when the secret did not exist.
 * @param after `updated_at` read after the write, undefined when the secret cannot be found.
 * @returns true when the secret exists and, if it existed before, its `updated_at` is strictly later.
 */
export function isWriteVerified(before: string | undefined, after: string | undefined): boolean {
  if (after === undefined || Number.isNaN(Date.parse(after))) return false
  if (before === undefined) return true
  return Date.parse(after) > Date.parse(before)
}

/** A short description of the access, for reasons and logs, e.g. `visibility selected (150 repositories)`. */
export function describeAccess(access: OrgSecretAccess): string {
  if (access.visibility !== 'selected') return `visibility ${access.visibility}`
  const count = access.selectedRepositoryIds?.length ?? 0
  return `visibility selected (${count} ${count === 1 ? 'repository' : 'repositories'})`
}
