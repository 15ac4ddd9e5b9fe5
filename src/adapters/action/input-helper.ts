/**
 * The action's input reader: the only caller of `core.getInput`. A sub-action
 * (`uses: OWNER/actions-ops/delete-runs@v1`) has no `operation` input; its entry names the
 * operation, and the inputs are read as the top-level action's with that operation.
 */
import * as core from '@actions/core'
import type { OperationName } from '../../inputs/definition.js'
import { InputError } from '../../inputs/input-error.js'
import type { Environment, InputReader } from '../../inputs/step-inputs.js'
import { readSettings } from '../../operations/index.js'
import type { Settings } from '../../operations/settings.js'

/** `core.getInput`: `INPUT_<NAME>` as the runner sets it, trimmed unless asked not to. */
export const actionInputs: InputReader = (name, options) => core.getInput(name, options)

/**
 * Builds the settings of this step.
 * @param read the step's inputs; `core.getInput` by default.
 * @param env the runner's environment; `process.env` by default.
 * @param operation the sub-action's operation; undefined for the top-level action, which reads
 *   the `operation` input.
 * @throws InputError naming the input (see `readSettings`); also when a sub-action is given an
 *   `operation` input that names another operation.
 */
export function getSettings(
  read: InputReader = actionInputs,
  env: Environment = process.env,
  operation?: OperationName
): Settings {
  if (operation === undefined) return readSettings(read, env)
  const given = read('operation')
  if (given !== '' && given !== operation) {
    throw new InputError(
      'operation',
      `is ${JSON.stringify(given)}, but this is the ${operation} sub-action, which runs ${operation} only. Remove 'operation', or use the top-level action (uses: OWNER/actions-ops@v1) with 'operation: ${given}'.`
    )
  }
  return readSettings(name => (name === 'operation' ? operation : read(name)), env)
}
