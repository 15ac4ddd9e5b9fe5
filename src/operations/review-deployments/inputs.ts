/** Reads the settings of review-deployments from the step's inputs. */
import { readRunOperation } from '../../inputs/common.js'
import type { StepInputs } from '../../inputs/step-inputs.js'
import type { CommonSettings } from '../../settings.js'
import type { ReviewDeploymentsSettings } from './settings.js'

/**
 * @returns review-deployments' settings over `common`.
 * @throws InputError naming the input, the value and an accepted example.
 */
export function readReviewDeploymentsSettings(
  inputs: StepInputs,
  common: CommonSettings
): ReviewDeploymentsSettings {
  return {
    ...readRunOperation(inputs, common, 'review-deployments'),
    environments: inputs.globs('environments', 'staging'),
    state: inputs.choice('state', ['approved', 'rejected'], 'approved'),
    comment: inputs.text('comment')
  }
}
