/**
 * Every feature's routes. A feature adds its `registerRoutes` to {@link FEATURES}; nothing else
 * in the server changes.
 */
import type { Router } from '../router.js'
import { registerRoutes as approvals } from './approvals.js'
import { registerRoutes as artifacts } from './artifacts.js'
import { registerRoutes as caches } from './caches.js'
import { registerRoutes as deployments } from './deployments.js'
import { registerRoutes as jobs } from './jobs.js'
import { registerRoutes as meta } from './meta.js'
import { registerRoutes as pulls } from './pulls.js'
import { registerRoutes as repositories } from './repositories.js'
import { registerRoutes as reruns } from './reruns.js'
import { registerRoutes as runs } from './runs.js'
import { registerRoutes as secrets } from './secrets.js'
import { registerRoutes as workflows } from './workflows.js'

const FEATURES: ((router: Router) => void)[] = [
  meta,
  repositories,
  workflows,
  runs,
  jobs,
  reruns,
  pulls,
  approvals,
  secrets,
  deployments,
  artifacts,
  caches
]

/** Registers every feature's handlers on `router`. Throws when two features claim one operation. */
export function registerAllRoutes(router: Router): void {
  for (const register of FEATURES) register(router)
}
