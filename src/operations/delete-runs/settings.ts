/** The settings of delete-runs, as its settings reader (inputs.ts) builds them. */
import type { CleanUpSettings, RunConclusion, RunFilters } from '../../settings.js'

export interface DeleteRunsSettings extends CleanUpSettings {
  operation: 'delete-runs'
  filters: RunFilters
  /** Completed runs kept per group (workflow, head branch, head repository); 0 = none. */
  keepLatest: number
  /** Conclusions of the runs to delete; empty = any conclusion. */
  conclusions: RunConclusion[]
}
