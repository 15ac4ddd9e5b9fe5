/**
 * Turns failed requests into messages a user can act on. Errors are recognised by their shape
 * (`status`, `response`), never by their class: the Octokit that built them may be another copy
 * than this bundle's (GitHub's local action runner brings its own), and `instanceof` then fails.
 * Every text this module returns has the secrets registered with {@link registerSecret} replaced
 * by `***`, whatever the error carried (undici's header errors quote the header value).
 */
import { rateLimitReason } from './rate-limit.js'
import type { OperationName, SecretApp, SecretScopeKind } from '../settings.js'

/** The shape of Octokit's `RequestError` that this module reads. */
interface ApiErrorLike {
  status: number
  message: string
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown }
}

/** An HTTP answer: the status and the response it came with. */
type HttpAnswerLike = ApiErrorLike & { response: NonNullable<ApiErrorLike['response']> }

/**
 * True for an error that came back from the API with a status, or a network failure the client
 * reports as status 500 without a response.
 */
export function isApiError(error: unknown): error is ApiErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number'
  )
}

/**
 * True for an error that carries an HTTP answer: a numeric `status` and a `response` object, as
 * Octokit's `RequestError` has for every status the server sent, whichever copy of Octokit made it.
 */
export function isHttpAnswer(error: unknown): error is HttpAnswerLike {
  if (!isApiError(error)) return false
  const { response } = error as { response?: unknown }
  return typeof response === 'object' && response !== null
}

/**
 * The message of anything thrown, read by shape: an error made in another realm (Node's `fs` or
 * `fetch` seen from a test's sandbox) is not `instanceof Error` here.
 */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null | undefined)?.message
  return typeof message === 'string' ? message : String(error)
}

/** Pieces of a secret shorter than this are not scrubbed: they would match ordinary words. */
const MIN_SCRUBBED_LENGTH = 8
const scrubbed = new Set<string>()

/**
 * Adds a secret (the token) to what {@link redactSecrets} replaces, as a whole and, when it holds
 * whitespace, each piece between (an error may quote only the first line of a header value).
 * Pieces shorter than 8 characters are left alone. Process-wide, like the runner's masks.
 */
export function registerSecret(value: string): void {
  for (const piece of [value, ...value.split(/\s+/)]) {
    if (piece.length >= MIN_SCRUBBED_LENGTH) scrubbed.add(piece)
  }
}

/** `text` with every registered secret (see {@link registerSecret}) replaced by `***`. */
export function redactSecrets(text: string): string {
  let redacted = text
  // Longest first, so a whole value goes before the pieces it contains.
  for (const secret of [...scrubbed].sort((a, b) => b.length - a.length)) {
    redacted = redacted.split(secret).join('***')
  }
  return redacted
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

/** The only token that may answer a custom deployment protection rule, phrased as the fix. */
export const PROTECTION_RULE_TOKEN_HINT =
  "only the GitHub App that owns the deployment protection rule may answer it; pass that app's installation token (e.g. from actions/create-github-app-token) in `github-token`"

/** The permission each operation's token needs, phrased as the fix. */
export const PERMISSION_HINTS: Record<OperationName, string> = {
  'cancel-stale': 'the token needs `actions: write`; add `permissions: actions: write` to the job',
  'rerun-failed': 'the token needs `actions: write`; add `permissions: actions: write` to the job',
  'approve-fork-runs':
    'the token needs `actions: write` and `pull-requests: read`; add them under `permissions:` in the job',
  'review-deployments':
    "only a required reviewer of the environment may review: pass a reviewer's token (a personal access token with `repo`, or fine-grained `deployments: write` and `actions: read`) in `github-token`; `GITHUB_TOKEN` cannot review",
  'rotate-secrets':
    '`GITHUB_TOKEN` cannot write secrets: pass a token with `secrets: write` (repository secrets; environment secrets also `environments: write` and `actions: read`) or `organization_secrets: write` / `admin:org` (organization secrets) in `github-token`; Dependabot and Codespaces secrets need `dependabot_secrets: write` / `codespaces_secrets: write` (organization secrets: `organization_dependabot_secrets: write` / `organization_codespaces_secrets: write`)',
  'delete-runs':
    'the token needs `actions: write` (and `pull-requests: read` with keep-open-pull-requests, the default); add them under `permissions:` in the job',
  'delete-artifacts':
    'the token needs `actions: write`; add `permissions: actions: write` to the job',
  'delete-caches':
    'the token needs `actions: write` (and `pull-requests: read` with `closed-pull-requests`); add them under `permissions:` in the job'
}

/**
 * A one-line description of a failed request: the status, GitHub's message, and for 401/403 the
 * permission the operation needs (a replacement for a revoked token needs it too). Registered
 * secrets are replaced by `***` (see {@link redactSecrets}).
 */
export function describeApiError(error: unknown, operation: OperationName): string {
  return redactSecrets(describe(error, operation))
}

function describe(error: unknown, operation: OperationName): string {
  if (!isApiError(error)) return messageOf(error)
  const reset = rateLimitResetOf(error)
  if (reset) return rateLimitReason(reset)
  // Scrubbed before the first line is taken: a secret may span lines.
  const message = firstLine(redactSecrets(error.message))
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

/**
 * The permission a token needs to write one secret store's secrets in one kind of scope, phrased
 * as the fix (rotate-secrets names it per store, as each store has its own permission).
 */
const SECRET_PERMISSION_HINTS: Record<SecretApp, Partial<Record<SecretScopeKind, string>>> = {
  actions: {
    repository:
      '`GITHUB_TOKEN` cannot write secrets: pass a token with `secrets: write` (Actions secrets of repositories; a classic token needs `repo`) in `github-token`',
    environment:
      '`GITHUB_TOKEN` cannot write secrets: pass a token with `secrets: write` (Actions secrets of environments also need `environments: write` and `actions: read`; a classic token needs `repo`) in `github-token`',
    organization:
      '`GITHUB_TOKEN` cannot write secrets: pass a token with `organization_secrets: write` (Actions secrets of organizations; a classic token needs `admin:org`) in `github-token`'
  },
  dependabot: {
    repository:
      '`GITHUB_TOKEN` cannot write secrets: pass a token with `dependabot_secrets: write` (Dependabot secrets of repositories; a classic token needs `repo`) in `github-token`',
    organization:
      '`GITHUB_TOKEN` cannot write secrets: pass a token with `organization_dependabot_secrets: write` (Dependabot secrets of organizations; a classic token needs `admin:org`) in `github-token`'
  },
  codespaces: {
    repository:
      '`GITHUB_TOKEN` cannot write secrets: pass a token with `codespaces_secrets: write` (Codespaces secrets of repositories; a classic token needs `repo`) in `github-token`',
    organization:
      '`GITHUB_TOKEN` cannot write secrets: pass a token with `organization_codespaces_secrets: write` (Codespaces secrets of organizations; a classic token needs `admin:org`) in `github-token`'
  }
}

/**
 * Like `describeApiError` for rotate-secrets, for a request to one store's secrets in one kind of
 * scope: a 403 names that store's permission (`SECRET_PERMISSION_HINTS`), not the operation's;
 * every other error (a 401 of a revoked token included) reads as `describeApiError` has it.
 * Dependabot and Codespaces have no environment scope (the settings refuse it), so they have no
 * hint for one.
 */
export function describeSecretsApiError(
  error: unknown,
  app: SecretApp,
  kind: SecretScopeKind
): string {
  const hint = SECRET_PERMISSION_HINTS[app][kind]
  if (!isApiError(error) || error.status !== 403 || rateLimitResetOf(error) || !hint) {
    return describeApiError(error, 'rotate-secrets')
  }
  return `${error.status} ${firstLine(error.message)}: ${hint}`
}
