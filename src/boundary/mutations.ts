/**
 * The mutation boundary: the only place writes are sent, and the one place that decides when an
 * invocation stops. In a dry run it records writes as `planned` instead; either way it spends the
 * `limit` budget, so a dry run plans exactly what a real run would do.
 *
 * Two things stop an invocation, and handlers ask about them here rather than keeping counters:
 * the `limit` budget, spent by the targets that would be changed (`limit reached`); and the
 * primary rate limit, spent by reads and writes alike (`rate limit exhausted until <ISO time>`),
 * which the client reports into `rateLimit` from every answer's headers.
 */
import { log } from '../log.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { describeApiError, rateLimitResetOf, statusOf } from './api-errors.js'
import { MAX_RETRIES } from './client.js'
import type { Results, Target, TargetResult } from './outcomes.js'
import { rateLimitReason, RateLimitWatch } from './rate-limit.js'
import type { OperationName } from '../settings.js'

/** How many targets one invocation may change (`limit`), like actions/stale's operations budget. */
export class OperationsBudget {
  private used = 0

  constructor(readonly limit: number) {}

  /** Takes one unit; false when none is left. */
  tryConsume(): boolean {
    if (this.used >= this.limit) return false
    this.used += 1
    return true
  }

  get remaining(): number {
    return this.limit - this.used
  }
}

/** What a handler decides for an error of its own write; undefined = the generic handling. */
export type ErrorVerdict = { outcome: 'skipped' | 'failed'; reason: string } | undefined

/** One write the handler wants to make. */
export interface PlannedWrite {
  target: Target
  /** Why the target gets this write (e.g. `superseded by run 42`): the reason of `planned` and `done`. */
  reason: string
  /** Sends the write. Resolves to a more precise reason for `done` (e.g. `created`), or '' to keep `reason`. */
  send: () => Promise<string>
  /** Maps an error of this write to an outcome (e.g. 409 → skipped, already completed). */
  onError?: (error: unknown) => ErrorVerdict
  /**
   * Whether the write took effect, asked after an attempt failed with 5xx, a dropped connection or
   * a timeout. When set, `send` must pass `SEND_ONCE` (client.ts) so the client does not resend it,
   * and the boundary sends it again only when it did not land (see `sendLandingOnce`); an error
   * of the read back goes to `onError` like the write's own.
   */
  landed?: () => Promise<boolean>
}

/**
 * Sends a write so that it takes effect once. `send` must not be retried by the client
 * (`SEND_ONCE`): an attempt that failed with 5xx, a dropped connection or a timeout may have been
 * applied with its answer lost. After the client's backoff (1×, 4×, 9× `backoffMs`) `landed`
 * reads the target back, and the write is sent again only when it did not land, at most
 * `MAX_RETRIES` more times. After the last failed attempt `landed` is asked once more (after
 * 16× `backoffMs`), so a write that did land is not reported failed.
 * @param landed resolves to the value to return when the write took effect, undefined when not.
 * @param options.what names the write in the log line of a lost answer, e.g. `cancel of run 7 in acme/web`.
 * @returns what `send` resolved to, or what `landed` found.
 * @throws any other error of `send` at once (4xx); the error of the last attempt when every one
 *   failed and none landed; the error of an intermediate read back.
 */
export async function sendLandingOnce<T>(
  send: () => Promise<T>,
  landed: () => Promise<T | undefined>,
  options: { backoffMs: number; what: string }
): Promise<T> {
  for (let retry = 1; ; retry++) {
    try {
      return await send()
    } catch (error) {
      const status = statusOf(error) ?? 0
      if (status < 500) throw error
      await sleep(options.backoffMs * retry ** 2)
      const last = retry > MAX_RETRIES
      let found: T | undefined
      try {
        found = await landed()
      } catch (readError) {
        // After the last attempt the write's own error says more than the read's.
        throw last ? error : readError
      }
      if (found !== undefined) {
        // Someone else's write in these seconds would look the same: a race no client can tell.
        log.info(
          `${options.what} took effect though its answer was lost (${status}); not sending it again`
        )
        return found
      }
      if (last) throw error
    }
  }
}

/** Progress is logged at most this often during long write sequences (ms). */
const PROGRESS_EVERY_MS = 10_000

/** The reason of a target that would be changed but is past the spent `limit` budget. */
const LIMIT_REACHED = 'limit reached'

/**
 * What a target waits for: `change` for a target that would be changed (it needs the `limit`
 * budget and requests), `read` for one that only needs requests to be decided.
 */
export type Need = 'change' | 'read'

/**
 * Sends or plans writes, one at a time, records one result per target, and says when the
 * invocation must stop.
 */
export class Mutations {
  /**
   * @param retryBaseMs backoff base of writes with `landed`, like the client's (`pacing.retryBaseMs`).
   * @param rateLimit the watch the client reports every answer's rate-limit headers to (pass it
   *   to `createClient`).
   */
  constructor(
    private readonly operation: OperationName,
    private readonly dryRun: boolean,
    private readonly budget: OperationsBudget,
    private readonly results: Results,
    private readonly retryBaseMs = 1000,
    readonly rateLimit: RateLimitWatch = new RateLimitWatch()
  ) {}

  /** The writes the `limit` budget still allows (dry-run writes spend it too). */
  get budgetLeft(): number {
    return this.budget.remaining
  }

  /** When the spent primary rate limit resets, while nothing more may be sent; else undefined. */
  get rateLimitExhaustedUntil(): Date | undefined {
    return this.rateLimit.stoppedUntil()
  }

  /** False once the primary rate limit is spent: no request may be sent. */
  canRead(): boolean {
    return this.rateLimitExhaustedUntil === undefined
  }

  /**
   * Why a target cannot be reached now, or undefined while it can.
   * @param need `change` (the default): a target that would be changed; it is stopped by the spent
   *   `limit` budget (`limit reached`) first, then by the spent primary rate limit. `read`: a
   *   target (or repository) that only needs requests; only the rate limit stops it.
   * @returns `limit reached`, or `rate limit exhausted until <ISO time>`.
   */
  stopReason(need: Need = 'change'): string | undefined {
    if (need === 'change' && this.budget.remaining <= 0) return LIMIT_REACHED
    const until = this.rateLimitExhaustedUntil
    return until === undefined ? undefined : rateLimitReason(until)
  }

  /**
   * When `error` is GitHub's refusal for the spent primary rate limit (or the client's, which did
   * not send the request): the reason to report for the target it stopped, and from now on the
   * boundary's stop. Undefined for every other error.
   */
  stoppedBy(error: unknown): string | undefined {
    const reset = rateLimitResetOf(error)
    if (reset === undefined) return undefined
    this.rateLimit.noteRefusal(this.rateLimitExhaustedUntil ?? reset)
    return this.stopReason('read')
  }

  /**
   * Records a target the invocation stopped before: `skipped` with `stopReason(need)`. The first
   * `limit reached` also logs a warning that names the `limit` input.
   * @throws Error when nothing stops the invocation (a handler that should have gone on).
   */
  skipStopped(target: Target, need: Need = 'change'): TargetResult {
    const reason = this.stopReason(need)
    if (reason === undefined) throw new Error(`${target.kind} ${target.id} was not stopped`)
    return reason === LIMIT_REACHED ? this.skipPastLimit(target) : this.results.skip(target, reason)
  }

  /**
   * Applies the writes in order. Targets past the budget are `skipped` (limit reached); once the
   * primary rate limit is exhausted the rest are `skipped` with the reset time, without sending.
   * Errors of one write never stop the next. Tells `log.progress` how many of the writes handed to
   * it in this invocation are done.
   * @param verb past tense for progress lines, e.g. `cancelled`.
   * @returns the result of each write, in order.
   */
  async apply(writes: PlannedWrite[], verb: string): Promise<TargetResult[]> {
    const recorded: TargetResult[] = []
    const started = Date.now()
    let lastProgress = started
    let sent = 0
    this.targets.known += writes.length
    log.progress({ targets: { ...this.targets } })
    for (const [index, write] of writes.entries()) {
      recorded.push(await this.applyOne(write))
      this.targets.done += 1
      log.progress({ targets: { ...this.targets } })
      if (!this.dryRun) sent += 1
      const now = Date.now()
      if (now - lastProgress >= PROGRESS_EVERY_MS && index + 1 < writes.length) {
        lastProgress = now
        const perWrite = (now - started) / Math.max(sent, 1)
        const left = Math.ceil((perWrite * (writes.length - index - 1)) / 60_000)
        log.info(`${verb} ${index + 1}/${writes.length}, about ${left} min left`)
      }
    }
    return recorded
  }

  /** Applies a single follow-up write to a target that already has a result (no budget spent). */
  async followUp(previous: TargetResult, write: PlannedWrite): Promise<void> {
    if (this.dryRun) return
    const outcome = await this.send(write)
    if (outcome.outcome === 'done') {
      this.results.update(previous, {
        action: write.target.action,
        outcome: 'done',
        reason: outcome.reason
      })
    } else if (outcome.outcome === 'failed') {
      this.results.update(previous, {
        action: write.target.action,
        outcome: 'failed',
        reason: outcome.reason
      })
    }
  }

  /** The writes handed to {@link apply} in this invocation, and those applied (sent, planned or skipped). */
  private readonly targets = { done: 0, known: 0 }

  /** Whether the hint to raise `limit` was logged; every skipped target gets the bare reason. */
  private limitWarned = false

  /**
   * Records a target past the spent budget: `skipped`, reason `limit reached`, and the first time
   * a warning that names the `limit` input. `skipStopped` does the same for whichever stop holds.
   */
  skipPastLimit(target: Target): TargetResult {
    if (!this.limitWarned) {
      this.limitWarned = true
      log.warning(
        `limit reached: the remaining targets are skipped. Raise the \`limit\` input (now ${this.budget.limit}) to change more in one invocation.`
      )
    }
    return this.results.skip(target, LIMIT_REACHED)
  }

  private async applyOne(write: PlannedWrite): Promise<TargetResult> {
    if (!this.budget.tryConsume()) return this.skipPastLimit(write.target)
    if (this.dryRun) return this.results.add(write.target, 'planned', write.reason)
    const { outcome, reason } = await this.send(write)
    return this.results.add(write.target, outcome, reason)
  }

  private async send(
    write: PlannedWrite
  ): Promise<{ outcome: 'done' | 'skipped' | 'failed'; reason: string }> {
    const stopped = this.stopReason('read')
    if (stopped !== undefined) return { outcome: 'skipped', reason: stopped }
    try {
      const { landed, target } = write
      const reason = landed
        ? await sendLandingOnce(write.send, async () => ((await landed()) ? '' : undefined), {
            backoffMs: this.retryBaseMs,
            what: `${target.action} of ${target.kind} ${target.id} in ${target.repository}`
          })
        : await write.send()
      return { outcome: 'done', reason: reason || write.reason }
    } catch (error) {
      const stop = this.stoppedBy(error)
      if (stop !== undefined) return { outcome: 'skipped', reason: stop }
      const verdict = write.onError?.(error)
      if (verdict) return verdict
      return { outcome: 'failed', reason: describeApiError(error, this.operation) }
    }
  }
}
