/**
 * GitHub's primary rate limit, one window per token: the `x-ratelimit-*` headers, consumption, and
 * the 403 once a token's window is spent.
 */
import type { Caller } from './auth.js'
import { errorResponse, RATE_LIMIT_DOCS_URL, type ApiResponse } from './responses.js'
import {
  RATE_LIMIT_WINDOW_SECONDS,
  stableId,
  type RateLimitBucket,
  type SimState
} from './state.js'

/** What an unauthenticated caller sees: GitHub's 60-per-hour anonymous limit. */
const ANONYMOUS_LIMIT = 60

/**
 * The caller's bucket, created on first use and refilled when its window has passed.
 * `nowMs` is the simulator clock in epoch milliseconds.
 */
export function bucketFor(state: SimState, caller: Caller, nowMs: number): RateLimitBucket {
  const nowSeconds = Math.floor(nowMs / 1000)
  let bucket = state.rateLimits[caller.token]
  if (!bucket) {
    const limit = caller.info.rateLimit?.limit ?? 5000
    bucket = { limit, remaining: limit, reset: nowSeconds + RATE_LIMIT_WINDOW_SECONDS }
    state.rateLimits[caller.token] = bucket
  }
  if (nowSeconds >= bucket.reset) {
    bucket.remaining = bucket.limit
    bucket.reset = nowSeconds + RATE_LIMIT_WINDOW_SECONDS
  }
  return bucket
}

/** The `x-ratelimit-*` headers for a bucket (or the anonymous limit when `bucket` is undefined). */
export function rateLimitHeaders(
  bucket: RateLimitBucket | undefined,
  nowMs: number
): Record<string, string> {
  const b = bucket ?? {
    limit: ANONYMOUS_LIMIT,
    remaining: ANONYMOUS_LIMIT,
    reset: Math.floor(nowMs / 1000) + RATE_LIMIT_WINDOW_SECONDS
  }
  return {
    'x-ratelimit-limit': String(b.limit),
    'x-ratelimit-remaining': String(Math.max(0, b.remaining)),
    'x-ratelimit-used': String(Math.max(0, b.limit - b.remaining)),
    'x-ratelimit-reset': String(b.reset),
    'x-ratelimit-resource': 'core'
  }
}

/**
 * Spends one request from `bucket`. Returns the 403 GitHub answers when nothing is left (the
 * request must then not run), or undefined when the request may go on.
 */
export function consume(bucket: RateLimitBucket, caller: Caller): ApiResponse | undefined {
  if (bucket.remaining <= 0) {
    const who =
      caller.info.kind === 'user' ? `user ID ${stableId(caller.info.login)}` : 'installation ID 1'
    return errorResponse(
      403,
      `API rate limit exceeded for ${who}.`,
      `${RATE_LIMIT_DOCS_URL}#about-the-primary-rate-limit`
    )
  }
  bucket.remaining -= 1
  return undefined
}

/** The body of `GET /rate_limit` for a bucket. */
export function rateLimitBody(bucket: RateLimitBucket, nowMs: number): unknown {
  const core = {
    limit: bucket.limit,
    used: Math.max(0, bucket.limit - bucket.remaining),
    remaining: Math.max(0, bucket.remaining),
    reset: bucket.reset,
    resource: 'core'
  }
  const minute = Math.floor(nowMs / 1000) + 60
  const untouched = (limit: number, reset: number, resource: string): unknown => ({
    limit,
    used: 0,
    remaining: limit,
    reset,
    resource
  })
  return {
    resources: {
      core,
      search: untouched(30, minute, 'search'),
      graphql: untouched(5000, bucket.reset, 'graphql'),
      integration_manifest: untouched(5000, bucket.reset, 'integration_manifest'),
      code_search: untouched(10, minute, 'code_search')
    },
    rate: core
  }
}
