/** Reads the settings of approve-fork-runs from the step's inputs. */
import { readRunOperation } from '../../inputs/common.js'
import { defaultOf } from '../../inputs/definition.js'
import { parseList } from '../../inputs/parse.js'
import type { StepInputs } from '../../inputs/step-inputs.js'
import type { CommonSettings } from '../../settings.js'
import type { ApproveForkRunsSettings } from './settings.js'

/**
 * @returns approve-fork-runs' settings over `common`.
 * @throws InputError naming the input, the value and an accepted example.
 */
export function readApproveForkRunsSettings(
  inputs: StepInputs,
  common: CommonSettings
): ApproveForkRunsSettings {
  const protectedPaths = inputs.globs('protected-paths', '.github/workflows/**')
  return {
    ...readRunOperation(inputs, common, 'approve-fork-runs'),
    trustedActors: inputs.globs('trusted-actors', 'dependabot[bot]'),
    // A value of separators alone (`,`) protects as much as none given: the defaults.
    protectedPaths:
      protectedPaths.length > 0 ? protectedPaths : parseList(defaultOf('protected-paths') ?? ''),
    allowedPaths: inputs.globs('allowed-paths', 'docs/**, **/*.md')
  }
}
