/**
 * Dispatch from `operation` to its handler. Each handler is one file, readable top to bottom.
 */
import type { OperationName, Settings, SettingsFor } from '../settings.js'
import { approveForkRuns } from './approve-fork-runs/handler.js'
import { cancelStale } from './cancel-stale/handler.js'
import type { Handler, HandlerContext } from './context.js'
import { deleteArtifacts } from './delete-artifacts/handler.js'
import { deleteCaches } from './delete-caches/handler.js'
import { deleteRuns } from './delete-runs/handler.js'
import { rerunFailed } from './rerun-failed/handler.js'
import { reviewDeployments } from './review-deployments/handler.js'
import { rotateSecrets } from './rotate-secrets/handler.js'

type AnyContext = Omit<HandlerContext<OperationName>, 'settings'> & { settings: Settings }

/** One handler per operation: an operation without one does not compile. */
const HANDLERS: { [O in OperationName]: Handler<O> } = {
  'rerun-failed': rerunFailed,
  'cancel-stale': cancelStale,
  'approve-fork-runs': approveForkRuns,
  'review-deployments': reviewDeployments,
  'rotate-secrets': rotateSecrets,
  'delete-runs': deleteRuns,
  'delete-artifacts': deleteArtifacts,
  'delete-caches': deleteCaches
}

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
  const handler: Handler<O> = HANDLERS[operation]
  // `settings.operation` is `operation`, so these are the settings of O.
  return handler({ ...context, settings: context.settings as SettingsFor<O> })
}
