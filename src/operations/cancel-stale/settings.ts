/** The settings of cancel-stale, as its settings reader (inputs.ts) builds them. */
import type { ActiveStatus } from '../../readers/runs.js'
import type { CommonSettings, RunFilters } from '../../settings.js'

export interface CancelStaleSettings extends CommonSettings {
  operation: 'cancel-stale'
  filters: RunFilters
  /** Active runs kept per group (workflow, event, head branch, head repository). */
  keepLatest: number
  /** Age in seconds after which any active run is stale. */
  staleAfterSeconds?: number
  /** Seconds to wait after cancelling before force-cancelling runs still active. */
  forceCancelAfterSeconds?: number
  /**
   * `status`: the active statuses of the runs that may be cancelled; empty = every active status.
   * Groups are judged on every active run whatever this says.
   */
  statuses: ActiveStatus[]
}
