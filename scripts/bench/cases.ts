/** The operations `npm run bench` measures. */
import { approveForkRunsBench } from './approve-fork-runs.js'
import { cancelStaleBench } from './cancel-stale.js'
import {
  deleteArtifactsBench,
  deleteCachesBench,
  deleteRunsDryRunBench,
  deleteRunsLimitBench
} from './clean-up.js'
import { deleteRunsOrganizationBench, deleteRunsWorkflowStateBench } from './filters.js'
import {
  cancelStaleOrganizationBench,
  cancelStaleOrganizationDryRunBench,
  memoryOrganizationBench,
  rerunFailedOrganizationBench,
  rotateSecretsOrganizationBench
} from './organization.js'
import { rerunFailedBench } from './rerun-failed.js'
import { reviewDeploymentsBench } from './review-deployments.js'
import { rotateSecretsBench, rotateSecretsStoresBench } from './rotate-secrets.js'
import type { BenchCase } from './types.js'

export const BENCH_CASES: BenchCase[] = [
  cancelStaleBench,
  rerunFailedBench,
  approveForkRunsBench,
  reviewDeploymentsBench,
  rotateSecretsBench,
  rotateSecretsStoresBench,
  deleteRunsDryRunBench,
  deleteRunsLimitBench,
  deleteRunsWorkflowStateBench,
  deleteArtifactsBench,
  deleteCachesBench,
  cancelStaleOrganizationDryRunBench,
  cancelStaleOrganizationBench,
  rerunFailedOrganizationBench,
  rotateSecretsOrganizationBench,
  deleteRunsOrganizationBench,
  memoryOrganizationBench
]
