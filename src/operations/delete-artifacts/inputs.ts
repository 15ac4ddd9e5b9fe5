/** Reads the settings of delete-artifacts from the step's inputs. */
import { readRunOperation } from '../../inputs/common.js'
import type { StepInputs } from '../../inputs/step-inputs.js'
import type { CommonSettings } from '../../settings.js'
import { readCleanUpKeepLatest, readOlderThan, refuseInputs } from '../clean-up.js'
import type { DeleteArtifactsSettings } from './settings.js'

const ARTIFACT_FILTER_HINT =
  "an artifact tells only its run's head branch; narrow with 'branch', 'exclude-branch', 'artifact-name' or 'run-id', e.g. 'artifact-name: coverage-*'"

/**
 * @returns delete-artifacts' settings over `common`.
 * @throws InputError naming the input, the value and an accepted example (`older-than` is
 *   required; `workflow`, `event` and `actor` are refused: an artifact tells none of them).
 */
export function readDeleteArtifactsSettings(
  inputs: StepInputs,
  common: CommonSettings
): DeleteArtifactsSettings {
  refuseInputs(inputs, 'delete-artifacts', ['workflow', 'event', 'actor'], ARTIFACT_FILTER_HINT)
  return {
    ...readRunOperation(inputs, common, 'delete-artifacts'),
    olderThanSeconds: readOlderThan(inputs),
    keepLatest: readCleanUpKeepLatest(inputs),
    artifactNames: inputs.globs('artifact-name', 'coverage-*')
  }
}
