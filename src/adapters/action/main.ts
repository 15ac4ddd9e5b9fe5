/**
 * The action's front door: inputs → settings → the operation → outputs and job summary. Exported
 * so tests can call it without side effects at import.
 */
import * as core from '@actions/core'
import { messageOf, redactSecrets } from '../../boundary/api-errors.js'
import type { OperationName } from '../../inputs/definition.js'
import { performOperation } from '../../operations/perform.js'
import { getSettings } from './input-helper.js'
import { publish } from './report.js'

/**
 * Runs one invocation. Never throws: every error ends in `core.setFailed` with a message that
 * names the input or target (and never contains the token or a secret value).
 * @param operation the sub-action's operation; undefined for the top-level action (the
 *   `operation` input).
 */
export async function run(operation?: OperationName): Promise<void> {
  try {
    const performed = await performOperation(getSettings(undefined, undefined, operation))
    await publish(performed.settings, performed.results, performed.counter, performed.extraOutputs)
  } catch (error) {
    // The last line of defence: no error text leaves with the token in it.
    core.setFailed(redactSecrets(messageOf(error)))
  }
}
