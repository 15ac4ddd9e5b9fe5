/** Runners of one operation against a simulator, for files whose tests run it many times. */
import { ROTATOR_TOKEN } from '../../__fixtures__/rotate-secrets.js'
import type { Simulator } from '../../simulator/index.js'
import { runAction, type ActionRun, type TestRunOptions } from './run-action.js'

/** Runs one operation against a simulator with the given inputs. */
export type OperationRunner = (
  s: Simulator,
  inputs: Record<string, string>,
  options?: Partial<TestRunOptions> | boolean
) => Promise<ActionRun>

/**
 * A runner of `operation` against `s`, with `defaults` under the options of each call; `true` for
 * the options is short for `{ bundle: true }` (dist/index.js, started as the runner does).
 */
export function operationRunner(
  operation: string,
  defaults: Partial<TestRunOptions> = {}
): OperationRunner {
  return async (s, inputs, options = {}) =>
    runAction({
      apiUrl: s.url,
      ...defaults,
      ...(typeof options === 'boolean' ? { bundle: options } : options),
      with: { operation, ...inputs }
    })
}

/** Runs rotate-secrets with the rotator token. */
export const rotate = operationRunner('rotate-secrets', { token: ROTATOR_TOKEN })
export const deleteRuns = operationRunner('delete-runs')
export const deleteArtifacts = operationRunner('delete-artifacts')
export const deleteCaches = operationRunner('delete-caches')
