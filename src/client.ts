/**
 * The one REST client of an invocation: `@actions/github`'s Octokit with retries, GitHub's
 * write pacing, per-attempt timeouts and a count of every request sent.
 */
import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { RequestError } from '@octokit/request-error'
import Bottleneck from 'bottleneck'
import type { PacingSettings } from './settings.js'

export type Octokit = ReturnType<typeof getOctokit>

/** Statuses never retried: client errors, and 409 (a conflict answers the same every time). 429 is the throttling plugin's. */
export const DO_NOT_RETRY = [400, 401, 403, 404, 409, 410, 422, 429, 451]
/** Retries after the first attempt of a request that failed with 5xx or a network error. */
export const MAX_RETRIES = 3
/**
 * Request options for a write that must take effect once: the client sends it a single time.
 * After a 5xx, a dropped connection or a timeout GitHub may have applied it with its answer lost;
 * only the caller can read the target back and decide whether to send it again
 * (`sendLandingOnce` in mutations.ts). Secondary rate limits are still waited out.
 */
export const SEND_ONCE = { request: { retries: 0 } }
/** Waiting out a primary rate limit longer than this (seconds) is not worth holding the job. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60

/** Counts requests as they are sent, retries included. */
export class RequestCounter {
  total = 0
  writes = 0
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
          core.warning(
            `Rate limit reached on ${options.method} ${options.url}; waiting ${retryAfter} s for the reset.`
          )
          return true
        }
        core.warning(
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
        core.warning(
          `Secondary rate limit on ${options.method} ${options.url}; waiting ${retryAfter} s (retry ${retryCount + 1} of 3).`
        )
        return retryCount < 3
      }
    }
  }
}

/**
 * Builds the client. Reads nothing from the environment: `apiUrl` comes from settings, because
 * `@actions/github` captures `GITHUB_API_URL` once at import.
 * @returns the Octokit and the live request counter.
 */
export function createClient(config: ClientConfig): ApiClient {
  const counter = new RequestCounter()
  const timeoutMs = config.pacing.requestTimeoutMs
  // Registered first, so it sits innermost: it sees every attempt, retries included, and gives each
  // its own timeout (a hung connection then fails as a network error, which is retried).
  const countAttempts = (octokit: { hook: Octokit['hook'] }): Record<string, never> => {
    octokit.hook.wrap('request', async (request, options) => {
      const route = typeof options.url === 'string' ? options.url : ''
      counter.record(options.method, route)
      core.debug(`${options.method} ${route}`)
      const signal = AbortSignal.timeout(timeoutMs)
      // The hooks inside this one were bound to this very options object, so the signal must be
      // set on it rather than on a copy.
      options.request = { ...options.request, signal }
      try {
        return await request(options)
      } catch (error) {
        if (error instanceof RequestError) throw error
        // A timed-out fetch may reject with a bare AbortError, which the retry plugin cannot
        // handle (it expects a RequestError); report it as the network error it is.
        const reason = signal.aborted ? `no answer within ${timeoutMs} ms` : String(error)
        throw new RequestError(reason, 500, { request: options as never })
      }
    })
    return {}
  }
  const octokit = getOctokit(config.token, clientOptions(config), countAttempts, retry, throttling)
  return { octokit, counter }
}
