/** Reads the settings of delete-runs from the step's inputs. */
import { RUN_CONCLUSIONS } from '../../github-limits.js'
import { readRunOperation } from '../../inputs/common.js'
import { parseChoice } from '../../inputs/parse.js'
import type { StepInputs } from '../../inputs/step-inputs.js'
import type { CommonSettings, RunConclusion } from '../../settings.js'
import { readCleanUpKeepLatest, readOlderThan } from '../clean-up.js'
import { WORKFLOW_STATES, type WorkflowState } from './rules.js'
import type { DeleteRunsSettings } from './settings.js'

/**
 * @returns delete-runs' settings over `common`.
 * @throws InputError naming the input, the value and an accepted example (`older-than` is required).
 */
export function readDeleteRunsSettings(
  inputs: StepInputs,
  common: CommonSettings
): DeleteRunsSettings {
  return {
    ...readRunOperation(inputs, common, 'delete-runs'),
    olderThanSeconds: readOlderThan(inputs),
    keepLatest: readCleanUpKeepLatest(inputs),
    conclusions: readRunConclusions(inputs.list('conclusions')),
    workflowStates: readWorkflowStates(inputs.list('workflow-state')),
    keepOpenPullRequests: inputs.boolean('keep-open-pull-requests')
  }
}

/**
 * `workflow-state`: any of GitHub's workflow states, each once; empty = any state.
 * @throws InputError naming `workflow-state` for another word.
 */
function readWorkflowStates(values: string[]): WorkflowState[] {
  return [
    ...new Set(
      values.map(value => parseChoice('workflow-state', value, WORKFLOW_STATES, 'deleted'))
    )
  ]
}

/** `conclusions` for delete-runs: any of GitHub's conclusions; empty = any conclusion. */
function readRunConclusions(values: string[]): RunConclusion[] {
  return [
    ...new Set(values.map(value => parseChoice('conclusions', value, RUN_CONCLUSIONS, 'failure')))
  ]
}
