/** The settings of delete-runs, as its settings reader (inputs.ts) builds them. */
import type { CleanUpSettings, RunConclusion, RunFilters } from '../../settings.js'
import type { WorkflowState } from './rules.js'

export interface DeleteRunsSettings extends CleanUpSettings {
  operation: 'delete-runs'
  filters: RunFilters
  /** Completed runs kept per group (workflow, head branch, head repository); 0 = none. */
  keepLatest: number
  /** Conclusions of the runs to delete; empty = any conclusion. */
  conclusions: RunConclusion[]
  /**
   * `workflow-state`: the states of the workflows whose runs may be deleted; empty = any. A run
   * whose workflow GitHub no longer lists counts as `deleted`.
   */
  workflowStates: WorkflowState[]
  /** `keep-open-pull-requests`: never delete a run at the head commit of an open pull request. */
  keepOpenPullRequests: boolean
}
