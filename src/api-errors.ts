/**
 * Turns failed requests into messages a user can act on. Octokit's errors carry the status and
 * headers; their messages never contain the token (Octokit redacts the authorization header).
 */
import type { OperationName } from './settings.js'

/** The shape of Octokit's `RequestError` that this module reads. */
interface ApiErrorLike {
  status: number
  message: string
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown }
}

/** True for an error that came back from the API (or the network) with a status. */
export function isApiError(error: unknown): error is ApiErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number'
  )
}

/** The HTTP status of a failed request, or undefined for other errors. */
export function statusOf(error: unknown): number | undefined {
  return isApiError(error) ? error.status : undefined
}

/**
 * When the error is the primary rate limit (`x-ratelimit-remaining: 0`), the moment it resets.
 * @returns undefined for every other error.
 */
export function rateLimitResetOf(error: unknown): Date | undefined {
  if (!isApiError(error) || (error.status !== 403 && error.status !== 429)) return undefined
  const headers = error.response?.headers ?? {}
  if (String(headers['x-ratelimit-remaining']) !== '0') return undefined
  const reset = Number(headers['x-ratelimit-reset'])
  return Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : new Date()
}

/** The permission each operation's token needs, phrased as the fix. */
export const PERMISSION_HINTS: Record<OperationName, string> = {
  'cancel-stale': 'the token needs `actions: write`; add `permissions: actions: write` to the job',
  'rerun-failed': 'the token needs `actions: write`; add `permissions: actions: write` to the job',
  'approve-fork-runs':
    'the token needs `actions: write` and `pull-requests: read`; add them under `permissions:` in the job',
  'review-deployments':
    "only a required reviewer of the environment may review: pass a reviewer's token (a personal access token with `repo`, or fine-grained `deployments: write` and `actions: read`) in `github-token`; `GITHUB_TOKEN` cannot review",
  'rotate-secrets':
    '`GITHUB_TOKEN` cannot write secrets: pass a token with `secrets: write` (repository secrets; environment secrets also `environments: write` and `actions: read`) or `organization_secrets: write` / `admin:org` (organization secrets) in `github-token`',
  'delete-runs': 'the token needs `actions: write`; add `permissions: actions: write` to the job',
  'delete-artifacts':
    'the token needs `actions: write`; add `permissions: actions: write` to the job',
  'delete-caches':
    'the token needs `actions: write` (and `pull-requests: read` with `closed-pull-requests`); add them under `permissions:` in the job'
}

/**
 * A one-line description of a failed request: the status, GitHub's message, and for 401/403 the
 * permission the operation needs (a replacement for a revoked token needs it too).
 */
export function describeApiError(error: unknown, operation: OperationName): string {
  if (!isApiError(error)) return error instanceof Error ? error.message : String(error)
  const reset = rateLimitResetOf(error)
  if (reset) return `rate limit exhausted until ${reset.toISOString()}`
  const message = firstLine(error.message)
  if (error.status === 401) {
    return `${error.status} ${message}: the token is invalid or expired; pass a valid one in \`github-token\` (for ${operation}, ${PERMISSION_HINTS[operation]})`
  }
  if (error.status === 403) return `${error.status} ${message}: ${PERMISSION_HINTS[operation]}`
  if (error.status >= 500 || error.status === 0)
    return `${error.status || 'network'} ${message} (GitHub did not answer in time; retries exhausted)`
  return `${error.status} ${message}`
}

/** The first line of an API error message, without the documentation link Octokit appends. */
export function firstLine(message: string): string {
  // Octokit appends " - https://docs.github.com/..." to API messages.
  return (message.split('\n')[0] ?? '').replace(/ - https:\/\/docs\.github\.com\S*$/, '')
}
