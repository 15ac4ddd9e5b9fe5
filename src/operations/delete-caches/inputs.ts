/** Reads the settings of delete-caches from the step's inputs. */
import type { StepInputs } from '../../inputs/step-inputs.js'
import type { CommonSettings } from '../../settings.js'
import { readOlderThan, refuseInputs } from '../clean-up.js'
import type { DeleteCachesSettings } from './settings.js'

const CACHE_FILTER_HINT =
  "a cache belongs to a git ref, not to a run; narrow with 'cache-ref' or 'cache-key', e.g. 'cache-ref: refs/heads/main'"

/**
 * @returns delete-caches' settings over `common`.
 * @throws InputError naming the input, the value and an accepted example (`older-than` is
 *   required; the run filters are refused: a cache belongs to a git ref, not to a run).
 */
export function readDeleteCachesSettings(
  inputs: StepInputs,
  common: CommonSettings
): DeleteCachesSettings {
  const operation = 'delete-caches'
  refuseInputs(
    inputs,
    operation,
    ['run-id', 'workflow', 'branch', 'exclude-branch', 'event', 'actor'],
    CACHE_FILTER_HINT
  )
  return {
    ...common,
    operation,
    olderThanSeconds: readOlderThan(inputs),
    cacheKeys: inputs.globs('cache-key', 'Linux-node-*'),
    cacheRefs: inputs.globs('cache-ref', 'refs/pull/*/merge'),
    closedPullRequests: inputs.boolean('closed-pull-requests')
  }
}
