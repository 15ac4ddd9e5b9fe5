/** The operations the demo shows, in order. */
import { cancelStale } from './cancel-stale.js'
import { reviewDeployments } from './review-deployments.js'
import type { DemoStep } from './types.js'

export const DEMO_STEPS: DemoStep[] = [cancelStale, reviewDeployments]
