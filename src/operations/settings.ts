/** The settings of every operation, as one union keyed on `operation`. */
import type { OperationName } from '../inputs/definition.js'
import type { ApproveForkRunsSettings } from './approve-fork-runs/settings.js'
import type { CancelStaleSettings } from './cancel-stale/settings.js'
import type { DeleteArtifactsSettings } from './delete-artifacts/settings.js'
import type { DeleteCachesSettings } from './delete-caches/settings.js'
import type { DeleteRunsSettings } from './delete-runs/settings.js'
import type { RerunFailedSettings } from './rerun-failed/settings.js'
import type { ReviewDeploymentsSettings } from './review-deployments/settings.js'
import type { RotateSecretsSettings } from './rotate-secrets/settings.js'

/** Everything one invocation needs, keyed on `operation` so a handler sees only its own fields. */
export type Settings =
  | RerunFailedSettings
  | CancelStaleSettings
  | ApproveForkRunsSettings
  | ReviewDeploymentsSettings
  | RotateSecretsSettings
  | DeleteRunsSettings
  | DeleteArtifactsSettings
  | DeleteCachesSettings

/** The settings of one operation. */
export type SettingsFor<O extends OperationName> = Extract<Settings, { operation: O }>
