/**
 * The operations: for each, the reader of its settings and its handler. Both front doors go
 * through here: `readSettings` once, then `runHandler`. Each handler is one file, readable top to
 * bottom.
 */
import { readCommon } from '../inputs/common.js'
import type { OperationName } from '../inputs/definition.js'
import { parseOperation } from '../inputs/operation.js'
import { StepInputs, type Environment, type InputReader } from '../inputs/step-inputs.js'
import type { CommonSettings } from '../settings.js'
import { approveForkRuns } from './approve-fork-runs/handler.js'
import { readApproveForkRunsSettings } from './approve-fork-runs/inputs.js'
import { cancelStale } from './cancel-stale/handler.js'
import { readCancelStaleSettings } from './cancel-stale/inputs.js'
import type { Handler, HandlerContext } from './context.js'
import { deleteArtifacts } from './delete-artifacts/handler.js'
import { readDeleteArtifactsSettings } from './delete-artifacts/inputs.js'
import { deleteCaches } from './delete-caches/handler.js'
import { readDeleteCachesSettings } from './delete-caches/inputs.js'
import { deleteRuns } from './delete-runs/handler.js'
import { readDeleteRunsSettings } from './delete-runs/inputs.js'
import { rerunFailed } from './rerun-failed/handler.js'
import { readRerunFailedSettings } from './rerun-failed/inputs.js'
import { reviewDeployments } from './review-deployments/handler.js'
import { readReviewDeploymentsSettings } from './review-deployments/inputs.js'
import { rotateSecrets } from './rotate-secrets/handler.js'
import { readRotateSecretsSettings } from './rotate-secrets/inputs.js'
import type { Settings, SettingsFor } from './settings.js'

interface Operation<O extends OperationName> {
  /** Builds the operation's settings over the common ones. @throws InputError naming the input. */
  readSettings: (inputs: StepInputs, common: CommonSettings) => SettingsFor<O>
  handler: Handler<O>
}

/** One reader and one handler per operation: an operation without them does not compile. */
const OPERATION_TABLE: { [O in OperationName]: Operation<O> } = {
  'rerun-failed': { readSettings: readRerunFailedSettings, handler: rerunFailed },
  'cancel-stale': { readSettings: readCancelStaleSettings, handler: cancelStale },
  'approve-fork-runs': { readSettings: readApproveForkRunsSettings, handler: approveForkRuns },
  'review-deployments': {
    readSettings: readReviewDeploymentsSettings,
    handler: reviewDeployments
  },
  'rotate-secrets': { readSettings: readRotateSecretsSettings, handler: rotateSecrets },
  'delete-runs': { readSettings: readDeleteRunsSettings, handler: deleteRuns },
  'delete-artifacts': { readSettings: readDeleteArtifactsSettings, handler: deleteArtifacts },
  'delete-caches': { readSettings: readDeleteCachesSettings, handler: deleteCaches }
}

/**
 * Builds the settings of one invocation from its inputs (`operation` included) and the runner's
 * environment. Validates every value before the first API call.
 * @param read the front door's inputs: the action's `core.getInput`, the command line's flags.
 * @param env environment (`GITHUB_*` and `ACTIONS_OPS_TIME_SCALE`), as `process.env`.
 * @returns settings for the chosen operation; secret values and the token are already masked.
 * @throws InputError naming the input, the value and an accepted example; EventPayloadError for a
 *   payload file that cannot be read; Error for a bad `ACTIONS_OPS_TIME_SCALE`.
 */
export function readSettings(read: InputReader, env: Environment): Settings {
  const operation = parseOperation(read('operation'))
  const inputs = new StepInputs(read)
  return OPERATION_TABLE[operation].readSettings(inputs, readCommon(inputs, env, operation))
}

type AnyContext = Omit<HandlerContext<OperationName>, 'settings'> & { settings: Settings }

/**
 * Runs the handler of `context.settings.operation`. Handlers record per-target errors themselves;
 * what they throw (a bad target found while planning) fails the step.
 */
export async function runHandler(context: AnyContext): Promise<void> {
  return runOperation(context.settings.operation, context)
}

async function runOperation<O extends OperationName>(
  operation: O,
  context: AnyContext
): Promise<void> {
  const { handler } = OPERATION_TABLE[operation]
  // `settings.operation` is `operation`, so these are the settings of O.
  return handler({ ...context, settings: context.settings as SettingsFor<O> })
}
