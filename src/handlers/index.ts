/**
 * Dispatch from `operation` to its handler. Each handler is one file, readable top to bottom.
 */
import type { Settings } from '../settings.js'
import { cancelStale } from './cancel-stale.js'
import type { HandlerContext } from './context.js'
import { reviewDeployments } from './review-deployments.js'

/** Thrown for operations whose handler has not shipped yet. */
export class NotImplementedError extends Error {
  constructor(operation: string) {
    super(
      `Input 'operation': '${operation}' is not implemented yet in this version of actions-ops. Available now: cancel-stale, review-deployments.`
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
    case 'review-deployments':
      return reviewDeployments({ ...context, settings })
    case 'rerun-failed':
    case 'approve-fork-runs':
    case 'rotate-secrets':
      throw new NotImplementedError(settings.operation)
  }
}
