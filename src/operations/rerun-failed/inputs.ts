/** Reads the settings of rerun-failed from the step's inputs. */
import { MAX_RUN_ATTEMPTS } from '../../github-limits.js'
import { readRunOperation } from '../../inputs/common.js'
import {
  parseChoice,
  parseDurationSeconds,
  parseRegExp,
  type DurationBounds
} from '../../inputs/parse.js'
import type { StepInputs } from '../../inputs/step-inputs.js'
import type { CommonSettings, FailedConclusion } from '../../settings.js'
import type { RerunFailedSettings } from './settings.js'

/** `lookback`: runs are kept at most 400 days (the longest retention GitHub offers). */
const LOOKBACK_BOUNDS: DurationBounds = {
  max: 400 * 24 * 3600,
  why: 'GitHub keeps runs at most 400 days'
}

const FAILED_CONCLUSIONS: readonly FailedConclusion[] = ['failure', 'timed_out', 'cancelled']

/**
 * @returns rerun-failed's settings over `common`.
 * @throws InputError naming the input, the value and an accepted example.
 */
export function readRerunFailedSettings(
  inputs: StepInputs,
  common: CommonSettings
): RerunFailedSettings {
  const logPattern = parseRegExp('log-pattern', inputs.raw('log-pattern'))
  return {
    ...readRunOperation(inputs, common, 'rerun-failed'),
    // `lookback` has a default, so a blank value never reaches the parser.
    lookbackSeconds: parseDurationSeconds('lookback', inputs.raw('lookback'), LOOKBACK_BOUNDS) ?? 0,
    conclusions: readFailedConclusions(inputs.list('conclusions')),
    maxAttempts: inputs.integer('max-attempts', { min: 1, max: MAX_RUN_ATTEMPTS }),
    jobFilter: inputs.globs('job-filter', 'e2e*'),
    ...(logPattern !== undefined && { logPattern }),
    enableDebugLogging: inputs.boolean('enable-debug-logging'),
    skipSuperseded: inputs.boolean('skip-superseded')
  }
}

/**
 * `conclusions` for rerun-failed: the failed ones only; empty = `failure` (the input is shared
 * with delete-runs, where empty means any conclusion, so its definition has no default).
 */
function readFailedConclusions(values: string[]): FailedConclusion[] {
  if (values.length === 0) return ['failure']
  return [
    ...new Set(
      values.map(value => parseChoice('conclusions', value, FAILED_CONCLUSIONS, 'failure'))
    )
  ]
}
