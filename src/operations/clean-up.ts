/**
 * What the clean-up operations' DELETE writes share: how a lost answer is checked, how GitHub's
 * refusals read, and the bytes a set of deletions freed.
 */
import { statusOf } from '../boundary/api-errors.js'
import type { ErrorVerdict } from '../boundary/mutations.js'
import type { TargetResult } from '../boundary/outcomes.js'

/**
 * A `landed` check for a DELETE whose answer was lost: it took effect when reading the target
 * back answers 404.
 * @param read the GET of the target (e.g. `GET /repos/{owner}/{repo}/actions/runs/{run_id}`).
 * @throws the read's error when it is not a 404.
 */
export function goneWhen(read: () => Promise<unknown>): () => Promise<boolean> {
  return async () => {
    try {
      await read()
      return false
    } catch (error) {
      if (statusOf(error) === 404) return true
      throw error
    }
  }
}

/** A DELETE answered 404: the target is already gone, nothing left to do and nothing freed. */
export function alreadyDeleted(error: unknown): ErrorVerdict {
  return statusOf(error) === 404 ? { outcome: 'skipped', reason: 'already deleted' } : undefined
}

/**
 * The bytes the deletions freed: the summed sizes of the targets `done` (or `planned`, in a dry
 * run). Targets answered 404, skipped or failed freed nothing.
 * @param sizeOf the `size_in_bytes` of a target, by its result (undefined counts 0).
 */
export function bytesFreed(
  results: readonly TargetResult[],
  sizeOf: (result: TargetResult) => number | undefined
): number {
  return results
    .filter(result => result.outcome === 'done' || result.outcome === 'planned')
    .reduce((sum, result) => sum + (sizeOf(result) ?? 0), 0)
}
