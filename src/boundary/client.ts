/**
 * The one REST client of an invocation: `@actions/github`'s Octokit with retries, GitHub's
 * write pacing, per-attempt timeouts and a count of every request sent.
 */
import { log } from '../log.js'
import type { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { RequestError } from '@octokit/request-error'
import Bottleneck from 'bottleneck'
import { isHttpAnswer, messageOf, redactSecrets, registerSecret } from './api-errors.js'
import type { ConditionalRequests } from './conditional.js'
import { MAX_RATE_LIMIT_WAIT_SECONDS, type RateLimitWatch } from './rate-limit.js'
import type { PacingSettings } from '../settings.js'

export type Octokit = ReturnType<typeof getOctokit>

/** Statuses never retried: client errors, and 409 (a conflict answers the same every time). 429 is the throttling plugin's. */
const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451]
/** Retries after the first attempt of a request that failed with 5xx or a network error. */
export const MAX_RETRIES = 3
/**
 * Request options for a write that must take effect once: the client sends it a single time.
 * After a 5xx, a dropped connection or a timeout GitHub may have applied it with its answer lost;
 * only the caller can read the target back and decide whether to send it again
 * (`sendLandingOnce` in mutations.ts). Secondary rate limits are still waited out.
 */
export const SEND_ONCE = { request: { retries: 0 } }
/** Counts requests as they are sent, retries included. */
export class RequestCounter {
  total = 0
  writes = 0
  /**
   * Of `total`, the conditional requests answered `304 Not Modified`: requests all the same, but
   * GitHub does not count them against the primary rate limit.
   */
  notModified = 0
  private readonly byRoute = new Map<string, number>()

  /** Records one attempt of `method route` (route as the template, e.g. `GET /repos/{owner}/{repo}`). */
  record(method: string, route: string): void {
    this.total += 1
    if (method !== 'GET' && method !== 'HEAD') this.writes += 1
    const key = `${method} ${route}`
    this.byRoute.set(key, (this.byRoute.get(key) ?? 0) + 1)
  }

  /** Counts per route, most used first. */
  routes(): Array<[string, number]> {
    return [...this.byRoute.entries()].sort((a, b) => b[1] - a[1])
  }
}

/** The client and the counter of its requests. */
export interface ApiClient {
  octokit: Octokit
  counter: RequestCounter
}

interface ClientConfig {
  token: string
  /** REST base URL, e.g. `https://api.github.com` or `https://HOST/api/v3`. */
  apiUrl: string
  pacing: PacingSettings
  /**
   * Told the `x-ratelimit-*` headers of every answer; while it says the primary rate limit is
   * spent, no request is sent (`GET /rate_limit` aside).
   */
  rateLimit?: RateLimitWatch
  /**
   * The listings kept from earlier runs (`state-file`): GETs of them go out with `If-None-Match`
   * (see conditional.ts). Unset: no conditional request is sent.
   */
  conditional?: ConditionalRequests
}

/**
 * The options handed to `getOctokit`, separate so they can be checked without a network.
 * Throttling: writes one at a time, `pacing.writeIntervalMs` apart; secondary limits are waited
 * out (`retry-after` × `pacing.retryAfterScale`) up to 3 times; a primary limit is waited out only
 * when it resets within `MAX_RATE_LIMIT_WAIT_SECONDS`, otherwise the request fails with 403 and
 * the caller reports the remaining targets as skipped.
 */
export function clientOptions(config: ClientConfig): Parameters<typeof getOctokit>[1] {
  return {
    baseUrl: config.apiUrl,
    userAgent: 'actions-ops',
    retry: {
      doNotRetry: DO_NOT_RETRY,
      retries: MAX_RETRIES,
      retryAfterBaseValue: config.pacing.retryBaseMs
    },
    throttle: {
      Bottleneck,
      // A group of our own: the plugin's default one is shared process-wide with a fixed 1 s gap.
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: config.pacing.writeIntervalMs }),
      retryAfterBaseValue: 1000 * config.pacing.retryAfterScale,
      onRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _octokit: unknown,
        retryCount: number
      ) => {
        if (retryCount === 0 && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS) {
          log.warning(
            `Rate limit reached on ${options.method} ${options.url}; waiting ${retryAfter} s for the reset.`
          )
          return true
        }
        log.warning(
          `Rate limit reached on ${options.method} ${options.url}; it resets in ${retryAfter} s, too long to wait.`
        )
        return false
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        options: { method: string; url: string },
        _octokit: unknown,
        retryCount: number
      ) => {
        log.warning(
          `Secondary rate limit on ${options.method} ${options.url}; waiting ${retryAfter} s (retry ${retryCount + 1} of 3).`
        )
        return retryCount < 3
      }
    }
  }
}

/**
 * A request that was never sent because it could not be built (e.g. a header value that fetch
 * refuses). Sending it again cannot help, so nothing retries it: it has no `status`.
 */
export class RequestNotSentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RequestNotSentError'
  }
}

/** The fields of a request's options that the client's hook reads and sets. */
interface AttemptOptions {
  method: string
  url: string
  request?: object
}

/** A function for Octokit's `hook.wrap('request', …)`: calls `request` once with `options`. */
type RequestHook = <O extends AttemptOptions, R>(
  request: (options: O) => R | Promise<R>,
  options: O
) => Promise<R>

/**
 * The client's own request hook: counts and logs every attempt, gives each its own timeout of
 * `timeoutMs` milliseconds, and sorts what a failed attempt threw by its shape, whichever copy of
 * Octokit built it:
 * - an HTTP answer (a numeric `status` and a `response`) is passed on untouched, for the retry and
 *   throttling plugins (which read the same fields) and the caller;
 * - a timeout or a network failure (see {@link isNetworkFailure}) becomes a `RequestError` with
 *   status 500 and no response, which the retry plugin retries; so does an answer whose body the
 *   timeout cut off (Octokit would hand it on as an empty body);
 * - anything else means the request could not be built: {@link RequestNotSentError}, not retried.
 * Registered secrets are scrubbed from the messages it writes (see `redactSecrets`).
 * Every answer's headers go to `rateLimit`; while it says the primary rate limit is spent, an
 * attempt is not sent (nor counted), `GET /rate_limit` aside: it fails at once with a 403 shaped
 * like GitHub's refusal (`x-ratelimit-remaining: 0`, `x-ratelimit-reset`).
 */
export function attemptHook(
  counter: RequestCounter,
  timeoutMs: number,
  rateLimit?: RateLimitWatch
): RequestHook {
  return async (request, options) => {
    const route = typeof options.url === 'string' ? options.url : ''
    const until = rateLimit?.stoppedUntil()
    if (until !== undefined && !(options.method === 'GET' && route === '/rate_limit')) {
      throw notSent(options, until)
    }
    counter.record(options.method, route)
    log.debug(`${options.method} ${route}`)
    const signal = AbortSignal.timeout(timeoutMs)
    // The hooks inside this one were bound to this very options object, so the signal must be
    // set on it rather than on a copy.
    const attempt: AttemptOptions = options
    attempt.request = { ...options.request, signal }
    const timedOut = (): RequestError =>
      new RequestError(`no answer within ${timeoutMs} ms`, 500, { request: options as never })
    let response: Awaited<ReturnType<typeof request>>
    try {
      response = await request(options)
    } catch (error) {
      if (isHttpAnswer(error)) {
        rateLimit?.observe(error.response.headers)
        throw error
      }
      // A timed-out fetch may reject with a bare AbortError, which the retry plugin cannot
      // handle (it reads `error.request`); report it as the network error it is.
      if (signal.aborted) throw timedOut()
      const message = redactSecrets(messageOf(error))
      if (isNetworkFailure(error)) {
        throw new RequestError(message, 500, { request: options as never })
      }
      throw new RequestNotSentError(
        `${options.method} ${route} could not be sent (${message}); nothing was retried`
      )
    }
    rateLimit?.observe((response as { headers?: Record<string, unknown> }).headers)
    // Octokit reads the body after the headers and answers an empty body when reading it fails:
    // a timeout that cut the body off would pass for a page without runs.
    if (signal.aborted) throw timedOut()
    return response
  }
}

/**
 * The refusal of a request that was not sent because the primary rate limit is spent until
 * `until`: a 403 with GitHub's rate-limit headers, so every caller handles it as the refusal
 * GitHub would have sent.
 */
function notSent(options: AttemptOptions, until: Date): RequestError {
  const headers = {
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.floor(until.getTime() / 1000))
  }
  return new RequestError(
    `API rate limit exhausted until ${until.toISOString()}; the request was not sent`,
    403,
    {
      request: options as never,
      response: { status: 403, url: options.url, headers, data: {} }
    }
  )
}

/** System error codes of failed connections (`ECONNRESET`, `EAI_AGAIN`…), not `ERR_*` misuse. */
const NETWORK_CODE =
  /^(E[A-Z]+|EAI_[A-Z]+|UND_ERR_(SOCKET|CONNECT_TIMEOUT|HEADERS_TIMEOUT|BODY_TIMEOUT|CLOSED|DESTROYED))$/

/**
 * Whether a request failed on the way, after it was built: undici's fetch reports every such
 * failure as `TypeError: fetch failed` with the cause attached (Octokit keeps it as `cause`), and
 * aborts and system errors say so by their name or code. A header value fetch refuses (a token
 * with a newline) fails before anything is sent, with another message and no such cause.
 */
export function isNetworkFailure(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { name, message, code, cause } = current as {
      name?: unknown
      message?: unknown
      code?: unknown
      cause?: unknown
    }
    if (name === 'AbortError' || name === 'TimeoutError') return true
    if (message === 'fetch failed') return true
    if (typeof code === 'string' && NETWORK_CODE.test(code)) return true
    current = cause
  }
  return false
}

/**
 * Builds the client. Reads nothing from the environment: `apiUrl` comes from settings, because
 * `@actions/github` captures `GITHUB_API_URL` once at import. Registers the token with
 * `registerSecret`, so no error text made from here on carries it.
 * @returns the Octokit and the live request counter. While `config.rateLimit` says the primary
 *   rate limit is spent, no request is sent (see {@link attemptHook}).
 */
export async function createClient(config: ClientConfig): Promise<ApiClient> {
  registerSecret(config.token)
  const counter = new RequestCounter()
  const getOctokit = await importGetOctokit()
  const octokit = getOctokit(
    config.token,
    clientOptions(config),
    ...clientPlugins(counter, config.pacing.requestTimeoutMs, config.rateLimit, config.conditional)
  )
  return { octokit, counter }
}

/**
 * `getOctokit` of `@actions/github`, imported on first use. That module parses the file
 * `GITHUB_EVENT_PATH` names as soon as it is imported and throws on one that is not JSON, which
 * would end the step with a stack trace before anything could say what is wrong. The action reads
 * the payload itself (`input-helper.ts`, which reports such a file), so the variable is hidden from
 * that import; nothing here uses `@actions/github`'s context.
 */
async function importGetOctokit(): Promise<typeof getOctokit> {
  const eventPath = process.env.GITHUB_EVENT_PATH
  delete process.env.GITHUB_EVENT_PATH
  try {
    // Eager: bundled into dist/index.js (no separate chunk), still evaluated only here.
    return (await import(/* webpackMode: "eager" */ '@actions/github')).getOctokit
  } finally {
    if (eventPath !== undefined) process.env.GITHUB_EVENT_PATH = eventPath
  }
}

/**
 * The client's plugins in the order `getOctokit` takes them. The first registered sits innermost:
 * {@link attemptHook} sees every attempt, retries included, before the retry and throttling
 * plugins decide on it. With `conditional`, its hook sits right outside: it turns a 304 (which
 * Octokit throws) into the kept page before the retry and throttling plugins see an error, and
 * `attemptHook` still counts the 304 and reports its rate-limit headers.
 */
export function clientPlugins(
  counter: RequestCounter,
  timeoutMs: number,
  rateLimit?: RateLimitWatch,
  conditional?: ConditionalRequests
): OctokitPlugin[] {
  const countAttempts = (octokit: { hook: Octokit['hook'] }): Record<string, never> => {
    octokit.hook.wrap('request', attemptHook(counter, timeoutMs, rateLimit))
    return {}
  }
  const revalidate =
    conditional === undefined
      ? []
      : [
          conditional.plugin(() => {
            counter.notModified += 1
          }) as OctokitPlugin
        ]
  return [countAttempts, ...revalidate, retry, throttling]
}

type OctokitPlugin = Parameters<typeof getOctokit>[2]
