/**
 * Dispatch from `operation` to its handler. Each handler is one file, readable top to bottom.
 */
import type { Settings } from '../settings.js'
import { approveForkRuns } from './approve-fork-runs.js'
import { cancelStale } from './cancel-stale.js'
import type { HandlerContext } from './context.js'
import { deleteArtifacts } from './delete-artifacts.js'
import { deleteCaches } from './delete-caches.js'
import { deleteRuns } from './delete-runs.js'
import { rerunFailed } from './rerun-failed.js'
import { reviewDeployments } from './review-deployments.js'
import { rotateSecrets } from './rotate-secrets.js'

type AnyContext = Omit<HandlerContext<Settings['operation']>, 'settings'> & { settings: Settings }

/**
 * Runs the handler of `context.settings.operation`. Handlers record per-target errors themselves;
 * what they throw (a bad target found while planning) fails the step.
 */
export async function runHandler(context: AnyContext): Promise<void> {
  const { settings } = context
  switch (settings.operation) {
    case 'rerun-failed':
      return rerunFailed({ ...context, settings })
    case 'cancel-stale':
      return cancelStale({ ...context, settings })
    case 'approve-fork-runs':
      return approveForkRuns({ ...context, settings })
    case 'review-deployments':
      return reviewDeployments({ ...context, settings })
    case 'rotate-secrets':
      return rotateSecrets({ ...context, settings })
    case 'delete-runs':
      return deleteRuns({ ...context, settings })
    case 'delete-artifacts':
      return deleteArtifacts({ ...context, settings })
    case 'delete-caches':
      return deleteCaches({ ...context, settings })
  }
}
