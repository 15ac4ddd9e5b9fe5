/** The settings of delete-artifacts, as its settings reader (inputs.ts) builds them. */
import type { CleanUpSettings, RunFilters } from '../../settings.js'

export interface DeleteArtifactsSettings extends CleanUpSettings {
  operation: 'delete-artifacts'
  /**
   * `run-id`, `branch` and `exclude-branch` (on the head branch of the artifact's run). An artifact
   * tells no workflow, event or actor: `workflows`, `events` and `actors` are always empty (the
   * inputs are refused for this operation).
   */
  filters: RunFilters
  /** Artifacts kept per group (name, head branch, head repository); 0 = none. */
  keepLatest: number
  /** Globs on the artifact name; empty = every artifact. */
  artifactNames: string[]
}
