/**
 * GitHub's own limits that decide what the action may ask for and when to stop. Each is GitHub's
 * number, not a choice of this action.
 */

/** Items per page of a REST listing: GitHub's maximum `per_page`. */
export const PER_PAGE = 100

/**
 * A run listing with any filter (`status`, `created`, `branch`, `event`, …) returns at most this
 * many runs, whatever its `total_count` says.
 */
export const LISTING_CAP = 1000

/** GitHub re-runs a workflow run at most this many times (`run_attempt` 50 is the last). */
export const MAX_RUN_ATTEMPTS = 50

/** GitHub re-runs a workflow run only up to this long after it was created (seconds). */
export const RERUN_WINDOW_SECONDS = 30 * 24 * 3600

/**
 * A job waiting on an environment's protection rules fails after this long (seconds), so a run
 * waits for a review at most this long after its latest attempt started.
 */
export const ENVIRONMENT_WAIT_SECONDS = 30 * 24 * 3600

/** Characters GitHub accepts in the comment of an answer to a custom deployment protection rule. */
export const MAX_PROTECTION_RULE_COMMENT = 1024

/** Bytes GitHub accepts in a secret value (48 KB). */
export const MAX_SECRET_BYTES = 48 * 1024

/** Every conclusion GitHub gives a completed workflow run. */
export const RUN_CONCLUSIONS = [
  'success',
  'failure',
  'neutral',
  'cancelled',
  'skipped',
  'timed_out',
  'action_required',
  'stale',
  'startup_failure'
] as const

/** The conclusions a run listing's `status` filter takes: every one but `startup_failure`. */
export const STATUS_FILTER_CONCLUSIONS: ReadonlySet<string> = new Set(
  RUN_CONCLUSIONS.filter(conclusion => conclusion !== 'startup_failure')
)
