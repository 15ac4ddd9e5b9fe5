/**
 * The primary rate limit as the API's answers show it. The client's request hook reports the
 * `x-ratelimit-*` headers of every answer (a success or an error) here; the mutation boundary owns
 * the watch and asks it whether anything more may be sent; the client refuses to send a request
 * (`GET /rate_limit` aside) while it says the limit is spent.
 */
import { log } from '../log.js'

/** Waiting out a primary rate limit longer than this (seconds) is not worth holding the job. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60

/** GitHub's primary rate-limit window (seconds), assumed when an answer omits `x-ratelimit-reset`. */
const WINDOW_SECONDS = 3600

/** The reason every target and repository not reached is reported with. */
export function rateLimitReason(reset: Date): string {
  return `rate limit exhausted until ${reset.toISOString()}`
}

/** What the answers so far tell of the primary rate limit. */
export class RateLimitWatch {
  private resetAt: Date | undefined
  /** Set when a request was refused for the spent limit (the client gave up waiting, if it waited). */
  private refused = false
  private warned = false

  /**
   * Takes the headers of one answer. `x-ratelimit-remaining: 0` means that answer spent the last
   * request of the window (a 200 as well as a refusal); a later answer showing requests left (the
   * window was reset) lifts the stop.
   * @param headers the answer's headers, lower-case names; undefined for an answer without any.
   */
  observe(headers: Record<string, unknown> | undefined): void {
    const remaining = headers?.['x-ratelimit-remaining']
    if (remaining === undefined || remaining === null) return
    if (String(remaining) !== '0') {
      this.resetAt = undefined
      this.refused = false
      return
    }
    const reset = Number(headers?.['x-ratelimit-reset'])
    this.resetAt =
      Number.isFinite(reset) && reset > 0
        ? new Date(reset * 1000)
        : new Date(Date.now() + WINDOW_SECONDS * 1000)
    this.warnOnce()
  }

  /**
   * Takes a request that reached the caller refused for the spent limit: after it, nothing more is
   * sent until an answer shows requests left, whatever the clock says of `reset`.
   */
  noteRefusal(reset: Date): void {
    this.resetAt = reset
    this.refused = true
    this.warnOnce()
  }

  /**
   * When the limit resets, while nothing may be sent; undefined while requests may go. A limit
   * that resets within `MAX_RATE_LIMIT_WAIT_SECONDS` does not stop anything: the client waits it
   * out on the refusal, unless a refusal already reached the caller.
   * @param now epoch milliseconds.
   */
  stoppedUntil(now = Date.now()): Date | undefined {
    if (this.resetAt === undefined) return undefined
    if (this.refused) return this.resetAt
    return this.resetAt.getTime() - now > MAX_RATE_LIMIT_WAIT_SECONDS * 1000
      ? this.resetAt
      : undefined
  }

  private warnOnce(): void {
    const until = this.stoppedUntil()
    if (this.warned || until === undefined) return
    this.warned = true
    log.warning(
      `The primary rate limit is spent until ${until.toISOString()}: nothing more is read or written in this invocation, and every target or repository not reached is reported with that time. Run again after it.`
    )
  }
}
