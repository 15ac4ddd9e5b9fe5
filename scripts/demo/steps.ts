/** The operations the demo shows, in order. */
import { cancelStale } from './cancel-stale.js'
import { rotateSecretsOrganization, rotateSecretsRepositories } from './rotate-secrets.js'
import type { DemoStep } from './types.js'

export const DEMO_STEPS: DemoStep[] = [
  cancelStale,
  rotateSecretsRepositories,
  rotateSecretsOrganization
]
