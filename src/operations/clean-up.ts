/**
 * What the clean-up operations share: their settings (`older-than` is required, since deleting
 * cannot be undone), and for their DELETE writes how a lost answer is checked, how GitHub's
 * refusals read, and the bytes a set of deletions freed.
 */
import { statusOf } from '../boundary/api-errors.js'
import type { ErrorVerdict } from '../boundary/mutations.js'
import type { TargetResult } from '../boundary/outcomes.js'
import { MAX_KEEP_LATEST } from '../inputs/common.js'
import type { InputName } from '../inputs/definition.js'
import { InputError } from '../inputs/input-error.js'
import { parseRequiredAgeSeconds } from '../inputs/parse.js'
import type { StepInputs } from '../inputs/step-inputs.js'
import type { OperationName } from '../settings.js'

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

/**
 * `older-than`, in seconds (0 for `0s`: no age condition).
 * @throws InputError when it is blank: deleting cannot be undone, so the age is never assumed.
 */
export function readOlderThan(inputs: StepInputs): number {
  return parseRequiredAgeSeconds('older-than', inputs.raw('older-than'), '30d')
}

/** `keep-latest` of the clean-up operations: 0 keeps none (cancel-stale needs at least 1). */
export function readCleanUpKeepLatest(inputs: StepInputs): number {
  return inputs.integer('keep-latest', { min: 0, max: MAX_KEEP_LATEST })
}

/**
 * Fails on inputs the operation cannot apply: for a deletion, an ignored filter would delete
 * more than the step says.
 * @throws InputError naming the first such input that is set, and what to use instead.
 */
export function refuseInputs(
  inputs: StepInputs,
  operation: OperationName,
  names: readonly InputName[],
  hint: string
): void {
  for (const name of names) {
    if (inputs.text(name) !== '') {
      throw new InputError(name, `is not used by ${operation}: ${hint}. Remove '${name}'.`)
    }
  }
}
