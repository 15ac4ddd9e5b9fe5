/** What a sweep costs an operation at the least, for the warning before it starts and the summary. */
import type { Settings } from './settings.js'

/**
 * The reads each repository costs the operation at the least (its listings): one listing of the
 * runs per workflow in `workflow` (one when empty) for the run operations; for rotate-secrets the
 * public key, the secrets before and after the writes (and the environment, for that scope). Zero
 * when the work does not grow with repositories (organization secrets, an answer to a deployment
 * protection rule).
 */
export function readsPerRepository(settings: Settings): number {
  switch (settings.operation) {
    case 'rotate-secrets':
      return settings.scope === 'organization' ? 0 : settings.scope === 'environment' ? 4 : 3
    case 'review-deployments':
      return settings.runner.eventName === 'deployment_protection_rule'
        ? 0
        : Math.max(1, settings.filters.workflows.length)
    default:
      return 'filters' in settings ? Math.max(1, settings.filters.workflows.length) : 1
  }
}
