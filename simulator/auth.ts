/**
 * Tokens and permissions: who is calling, which repositories they can see, and the one table of
 * the permission each operation needs.
 */
import type { PermissionLevel, PermissionScope, ScenarioToken } from './scenario.js'
import type { RepositoryState, SimState } from './state.js'

export interface Requirement {
  scope: PermissionScope
  level: PermissionLevel
}

/**
 * The permission each repository-scoped operation needs, by operationId. An operation missing
 * here needs nothing beyond seeing the repository. Features add their rows here. Organization
 * endpoints have no repository to check against: their handlers check the caller themselves.
 */
export const REQUIRED_PERMISSIONS: Record<string, Requirement> = {
  'actions/list-workflow-runs-for-repo': { scope: 'actions', level: 'read' },
  'actions/list-workflow-runs': { scope: 'actions', level: 'read' },
  'actions/get-workflow-run': { scope: 'actions', level: 'read' },
  'actions/get-workflow-run-attempt': { scope: 'actions', level: 'read' },
  'actions/list-repo-workflows': { scope: 'actions', level: 'read' },
  'actions/get-workflow': { scope: 'actions', level: 'read' },
  'actions/list-jobs-for-workflow-run': { scope: 'actions', level: 'read' },
  'actions/list-jobs-for-workflow-run-attempt': { scope: 'actions', level: 'read' },
  'actions/get-job-for-workflow-run': { scope: 'actions', level: 'read' },
  'actions/download-job-logs-for-workflow-run': { scope: 'actions', level: 'read' },
  'actions/cancel-workflow-run': { scope: 'actions', level: 'write' },
  'actions/force-cancel-workflow-run': { scope: 'actions', level: 'write' },
  'actions/re-run-workflow': { scope: 'actions', level: 'write' },
  'actions/re-run-workflow-failed-jobs': { scope: 'actions', level: 'write' },
  'actions/re-run-job-for-workflow-run': { scope: 'actions', level: 'write' },
  'actions/approve-workflow-run': { scope: 'actions', level: 'write' },
  'actions/delete-workflow-run': { scope: 'actions', level: 'write' },
  'actions/list-artifacts-for-repo': { scope: 'actions', level: 'read' },
  'actions/list-workflow-run-artifacts': { scope: 'actions', level: 'read' },
  'actions/get-artifact': { scope: 'actions', level: 'read' },
  'actions/delete-artifact': { scope: 'actions', level: 'write' },
  'actions/get-actions-cache-list': { scope: 'actions', level: 'read' },
  'actions/delete-actions-cache-by-id': { scope: 'actions', level: 'write' },
  'pulls/list': { scope: 'pull_requests', level: 'read' },
  'pulls/get': { scope: 'pull_requests', level: 'read' },
  'pulls/list-files': { scope: 'pull_requests', level: 'read' },
  'repos/get': { scope: 'metadata', level: 'read' },
  'repos/get-environment': { scope: 'actions', level: 'read' },
  'actions/get-repo-public-key': { scope: 'secrets', level: 'read' },
  'actions/list-repo-secrets': { scope: 'secrets', level: 'read' },
  'actions/get-repo-secret': { scope: 'secrets', level: 'read' },
  'actions/create-or-update-repo-secret': { scope: 'secrets', level: 'write' },
  'actions/get-environment-public-key': { scope: 'secrets', level: 'read' },
  'actions/list-environment-secrets': { scope: 'secrets', level: 'read' },
  'actions/get-environment-secret': { scope: 'secrets', level: 'read' },
  // Also needs environments: write, which the handler checks (a row holds one permission).
  'actions/create-or-update-environment-secret': { scope: 'secrets', level: 'write' },
  'dependabot/get-repo-public-key': { scope: 'dependabot_secrets', level: 'read' },
  'dependabot/list-repo-secrets': { scope: 'dependabot_secrets', level: 'read' },
  'dependabot/get-repo-secret': { scope: 'dependabot_secrets', level: 'read' },
  'dependabot/create-or-update-repo-secret': { scope: 'dependabot_secrets', level: 'write' },
  'codespaces/get-repo-public-key': { scope: 'codespaces_secrets', level: 'read' },
  'codespaces/list-repo-secrets': { scope: 'codespaces_secrets', level: 'read' },
  'codespaces/get-repo-secret': { scope: 'codespaces_secrets', level: 'read' },
  'codespaces/create-or-update-repo-secret': { scope: 'codespaces_secrets', level: 'write' },
  'actions/get-pending-deployments-for-run': { scope: 'actions', level: 'read' },
  'actions/get-reviews-for-run': { scope: 'actions', level: 'read' },
  'actions/review-pending-deployments-for-run': { scope: 'deployments', level: 'write' },
  'actions/review-custom-gates-for-run': { scope: 'deployments', level: 'write' }
}

/** The caller of one request, once its token is known. */
export interface Caller {
  /** The raw token string (the key of `state.tokens` and `state.rateLimits`). */
  token: string
  info: ScenarioToken
}

/** What the `Authorization` header says: nothing, or a token (either `token X` or `Bearer X`). */
export type Credentials = { kind: 'absent' } | { kind: 'token'; token: string }

/** Reads `Authorization: token X` / `Bearer X` (scheme case-insensitive). Never throws. */
export function readCredentials(header: string | undefined): Credentials {
  const match = /^\s*(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '')
  return match?.[1] ? { kind: 'token', token: match[1] } : { kind: 'absent' }
}

/** Whether `caller` may see `repo` at all (an invisible repository answers 404, like GitHub). */
export function canSee(caller: Caller, repo: RepositoryState): boolean {
  return !repo.private || isGranted(caller, repo)
}

function isGranted(caller: Caller, repo: RepositoryState): boolean {
  const allowed = caller.info.repositories
  if (!allowed) return true
  const fullName = `${repo.owner}/${repo.name}`.toLowerCase()
  return allowed.some(name => name.toLowerCase() === fullName)
}

/**
 * The level `caller` holds for `scope` on `repo`: its granted permissions on repositories it was
 * given, read-only on other public repositories (public data), none elsewhere.
 */
export function levelOf(
  caller: Caller,
  repo: RepositoryState,
  scope: PermissionScope
): PermissionLevel | undefined {
  if (!isGranted(caller, repo)) return repo.private ? undefined : 'read'
  if (scope === 'metadata') return caller.info.permissions?.[scope] ?? 'read'
  if (!caller.info.permissions) return caller.info.kind === 'user' ? 'write' : undefined
  return caller.info.permissions[scope]
}

/** Whether `caller` meets `requirement` on `repo` (`write` implies `read`). */
export function satisfies(
  caller: Caller,
  repo: RepositoryState,
  requirement: Requirement
): boolean {
  const level = levelOf(caller, repo, requirement.scope)
  return level === 'write' || (level === 'read' && requirement.level === 'read')
}

/** GitHub's 403 message for a token that lacks a permission, which depends on the token's kind. */
export function forbiddenMessage(caller: Caller): string {
  return caller.info.kind === 'user'
    ? 'Resource not accessible by personal access token'
    : 'Resource not accessible by integration'
}

/** Looks the token up in the live state; undefined when unknown (→ 401 Bad credentials). */
export function findCaller(state: SimState, token: string): Caller | undefined {
  const info = state.tokens[token]
  return info ? { token, info } : undefined
}
