/**
 * Dispatch from `operation` to its handler. Each handler is one file, readable top to bottom.
 */
import type { Settings } from '../settings.js'
import { approveForkRuns } from './approve-fork-runs.js'
import { cancelStale } from './cancel-stale.js'
import type { HandlerContext } from './context.js'
import { rerunFailed } from './rerun-failed.js'
import { rotateSecrets } from './rotate-secrets.js'

/** Thrown for operations whose handler has not shipped yet. */
export class NotImplementedError extends Error {
  constructor(operation: string) {
    super(
      `Input 'operation': '${operation}' is not implemented yet in this version of actions-ops. Available now: rerun-failed, cancel-stale, approve-fork-runs, rotate-secrets.`
    )
    this.name = 'NotImplementedError'
  }
}

type AnyContext = Omit<HandlerContext<Settings['operation']>, 'settings'> & { settings: Settings }

/**
 * Runs the handler of `context.settings.operation`.
 * @throws NotImplementedError for operations not built yet; handlers record per-target errors themselves.
 */
export async function runHandler(context: AnyContext): Promise<void> {
  const { settings } = context
  switch (settings.operation) {
    case 'cancel-stale':
      return cancelStale({ ...context, settings })
    case 'rotate-secrets':
      return rotateSecrets({ ...context, settings })
    case 'rerun-failed':
      return rerunFailed({ ...context, settings })
    case 'approve-fork-runs':
      return approveForkRuns({ ...context, settings })
    case 'review-deployments':
      throw new NotImplementedError(settings.operation)
  }
}
