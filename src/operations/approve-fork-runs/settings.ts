/** The settings of approve-fork-runs, as its settings reader (inputs.ts) builds them. */
import type { CommonSettings, RunFilters } from '../../settings.js'

export interface ApproveForkRunsSettings extends CommonSettings {
  operation: 'approve-fork-runs'
  filters: RunFilters
  /** Globs on the triggering actor's login; empty = anyone. */
  trustedActors: string[]
  /** Globs on file paths a pull request must not change to be approved. */
  protectedPaths: string[]
  /**
   * `allowed-paths`: globs every file a pull request changes must match to be approved (matched
   * like `protectedPaths`); empty = any path.
   */
  allowedPaths: string[]
}
