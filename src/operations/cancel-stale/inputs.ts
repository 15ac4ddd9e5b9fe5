/** Reads the settings of cancel-stale from the step's inputs. */
import { MAX_KEEP_LATEST, readRunOperation } from '../../inputs/common.js'
import { InputError } from '../../inputs/input-error.js'
import { parseDurationSeconds, type DurationBounds } from '../../inputs/parse.js'
import type { StepInputs } from '../../inputs/step-inputs.js'
import { ACTIVE_STATUSES, type ActiveStatus } from '../../readers/runs.js'
import type { CommonSettings } from '../../settings.js'
import type { CancelStaleSettings } from './settings.js'

/** `stale-after`: no run can be older, since GitHub ends a workflow run after 35 days. */
const STALE_AFTER_BOUNDS: DurationBounds = {
  max: 35 * 24 * 3600,
  why: 'GitHub ends a workflow run after 35 days'
}
/** `force-cancel-after`: the step waits inside its own job, which a GitHub-hosted runner ends after 6 hours. */
const FORCE_CANCEL_AFTER_BOUNDS: DurationBounds = {
  max: 6 * 3600,
  why: 'the step waits inside its job, which a GitHub-hosted runner ends after 6 hours'
}

/**
 * @returns cancel-stale's settings over `common`.
 * @throws InputError naming the input, the value and an accepted example.
 */
export function readCancelStaleSettings(
  inputs: StepInputs,
  common: CommonSettings
): CancelStaleSettings {
  const staleAfterSeconds = parseDurationSeconds(
    'stale-after',
    inputs.raw('stale-after'),
    STALE_AFTER_BOUNDS
  )
  const forceCancelAfterSeconds = parseDurationSeconds(
    'force-cancel-after',
    inputs.raw('force-cancel-after'),
    FORCE_CANCEL_AFTER_BOUNDS
  )
  return {
    ...readRunOperation(inputs, common, 'cancel-stale'),
    keepLatest: inputs.integer('keep-latest', { min: 1, max: MAX_KEEP_LATEST }),
    statuses: readStatuses(inputs.list('status')),
    ...(staleAfterSeconds !== undefined && { staleAfterSeconds }),
    ...(forceCancelAfterSeconds !== undefined && { forceCancelAfterSeconds })
  }
}

/**
 * `status`: active statuses, each once; empty = every active status.
 * @throws InputError naming `status` for anything but an active status (`completed` and the
 *   conclusions included: cancel-stale never touches a completed run).
 */
export function readStatuses(values: readonly string[]): ActiveStatus[] {
  for (const value of values) {
    if (!(ACTIVE_STATUSES as readonly string[]).includes(value)) {
      throw new InputError(
        'status',
        `${JSON.stringify(value)} is not an active status; cancel-stale cancels only runs that have not completed. Use any of ${ACTIVE_STATUSES.join(', ')}, e.g. 'status: queued, waiting'.`
      )
    }
  }
  return [...new Set(values as ActiveStatus[])]
}
