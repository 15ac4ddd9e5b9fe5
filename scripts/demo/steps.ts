/** The operations the demo shows, in order. */
import { approveForkRuns } from './approve-fork-runs.js'
import { cancelStale } from './cancel-stale.js'
import { deleteArtifactsNightly, deleteCachesOfClosedPulls, deleteRunsNightly } from './clean-up.js'
import { organizationSweep } from './organization.js'
import { rerunFailed } from './rerun-failed.js'
import { reviewDeployments } from './review-deployments.js'
import { rotateSecretsOrganization, rotateSecretsRepositories } from './rotate-secrets.js'
import type { DemoStep } from './types.js'

export const DEMO_STEPS: DemoStep[] = [
  cancelStale,
  rerunFailed,
  approveForkRuns,
  reviewDeployments,
  rotateSecretsRepositories,
  rotateSecretsOrganization,
  deleteRunsNightly,
  deleteArtifactsNightly,
  deleteCachesOfClosedPulls,
  organizationSweep
]
