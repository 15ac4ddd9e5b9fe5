/**
 * The mutation boundary: the only place writes are sent. In a dry run it records them as
 * `planned` instead; either way it spends the `limit` budget, so a dry run plans exactly what a
 * real run would do.
 */
import * as core from '@actions/core'
import { describeApiError, rateLimitResetOf } from './api-errors.js'
import type { Results, Target, TargetResult } from './outcomes.js'
import type { OperationName } from './settings.js'

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
}

/** Progress is logged at most this often during long write sequences (ms). */
const PROGRESS_EVERY_MS = 10_000

/** Sends or plans writes, one at a time, and records one result per target. */
export class Mutations {
  private rateLimitedUntil: Date | undefined

  constructor(
    private readonly operation: OperationName,
    private readonly dryRun: boolean,
    private readonly budget: OperationsBudget,
    private readonly results: Results
  ) {}

  /**
   * Applies the writes in order. Targets past the budget are `skipped` (limit reached); once the
   * primary rate limit is exhausted the rest are `skipped` with the reset time, without sending.
   * Errors of one write never stop the next.
   * @param verb past tense for progress lines, e.g. `cancelled`.
   * @returns the result of each write, in order.
   */
  async apply(writes: PlannedWrite[], verb: string): Promise<TargetResult[]> {
    const recorded: TargetResult[] = []
    const started = Date.now()
    let lastProgress = started
    let sent = 0
    for (const [index, write] of writes.entries()) {
      recorded.push(await this.applyOne(write))
      if (!this.dryRun) sent += 1
      const now = Date.now()
      if (now - lastProgress >= PROGRESS_EVERY_MS && index + 1 < writes.length) {
        lastProgress = now
        const perWrite = (now - started) / Math.max(sent, 1)
        const left = Math.ceil((perWrite * (writes.length - index - 1)) / 60_000)
        core.info(`${verb} ${index + 1}/${writes.length}, about ${left} min left`)
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

  /** Whether the hint to raise `limit` was logged; every skipped target gets the bare reason. */
  private limitWarned = false

  private async applyOne(write: PlannedWrite): Promise<TargetResult> {
    if (!this.budget.tryConsume()) {
      if (!this.limitWarned) {
        this.limitWarned = true
        core.warning(
          `limit reached: the remaining targets are skipped. Raise the \`limit\` input (now ${this.budget.limit}) to change more in one invocation.`
        )
      }
      return this.results.skip(write.target, 'limit reached')
    }
    if (this.dryRun) return this.results.add(write.target, 'planned', write.reason)
    const { outcome, reason } = await this.send(write)
    return this.results.add(write.target, outcome, reason)
  }

  private async send(
    write: PlannedWrite
  ): Promise<{ outcome: 'done' | 'skipped' | 'failed'; reason: string }> {
    if (this.rateLimitedUntil) {
      return {
        outcome: 'skipped',
        reason: `rate limit exhausted until ${this.rateLimitedUntil.toISOString()}`
      }
    }
    try {
      return { outcome: 'done', reason: (await write.send()) || write.reason }
    } catch (error) {
      const reset = rateLimitResetOf(error)
      if (reset) {
        this.rateLimitedUntil = reset
        return { outcome: 'skipped', reason: `rate limit exhausted until ${reset.toISOString()}` }
      }
      const verdict = write.onError?.(error)
      if (verdict) return verdict
      return { outcome: 'failed', reason: describeApiError(error, this.operation) }
    }
  }
}
