/**
 * Which active runs are stale: superseded within their group, or older than `stale-after`.
 * Pure: no API, no clock of its own.
 */
import type { WorkflowRun } from '../../readers/api-types.js'
import { newestFirst } from '../../rules/ordering.js'
import { formatDuration } from '../../rules/durations.js'

/** The fields of a run the rule reads. */
export type StaleCandidate = Pick<
  WorkflowRun,
  'id' | 'workflow_id' | 'event' | 'head_branch' | 'created_at' | 'head_repository'
>

export interface StaleOptions<R extends StaleCandidate = StaleCandidate> {
  /** Active runs kept per group (≥ 1). */
  keepLatest: number
  /** Runs created more than this many seconds before `now` are stale regardless of group. */
  staleAfterSeconds?: number
  now: Date
  /** The run this step runs in: never stale. */
  currentRunId?: number
  /**
   * Which runs may be returned (e.g. those of one actor, or the `run-id` run); every run still
   * counts in its group, so a run left out here can supersede one picked. Default: every run.
   */
  select?: (run: R) => boolean
}

export interface StaleRun<R extends StaleCandidate> {
  run: R
  /** Why it is stale, for the report, e.g. `superseded by run 42` or `older than 6h`. */
  reason: string
}

/**
 * The group a run competes in: same workflow, event, head branch and head repository, so a fork's
 * `main` never supersedes ours.
 */
export function groupKey(run: StaleCandidate): string {
  const headRepository = run.head_repository?.full_name ?? run.head_repository?.id ?? ''
  return JSON.stringify([run.workflow_id, run.event, run.head_branch ?? '', headRepository])
}

/**
 * Picks the stale runs among active ones. Within each group the newest `keepLatest` runs (by
 * `created_at`, then id) survive; older ones are superseded. With `staleAfterSeconds`, any run
 * created before `now − staleAfterSeconds` is stale too. The current run is never returned, nor
 * a run `select` leaves out.
 * @returns stale runs, oldest first (the order they are cancelled in), each with its reason.
 */
export function findStaleRuns<R extends StaleCandidate>(
  runs: readonly R[],
  options: StaleOptions<R>
): StaleRun<R>[] {
  const groups = new Map<string, R[]>()
  for (const run of [...runs].sort(newestFirst)) {
    const key = groupKey(run)
    groups.set(key, [...(groups.get(key) ?? []), run])
  }
  const cutoff =
    options.staleAfterSeconds === undefined
      ? undefined
      : options.now.getTime() - options.staleAfterSeconds * 1000
  const stale: StaleRun<R>[] = []
  for (const members of groups.values()) {
    const newest = members[0]
    members.forEach((run, index) => {
      if (run.id === options.currentRunId) return
      if (options.select && !options.select(run)) return
      if (index >= options.keepLatest && newest !== undefined) {
        stale.push({ run, reason: `superseded by run ${newest.id}` })
      } else if (cutoff !== undefined && Date.parse(run.created_at) < cutoff) {
        stale.push({ run, reason: `older than ${formatDuration(options.staleAfterSeconds ?? 0)}` })
      }
    })
  }
  return stale.sort((a, b) => newestFirst(b.run, a.run))
}

/**
 * Whether a run is in one of the `status` input's statuses: the runs cancel-stale may cancel.
 * @param statuses active statuses; empty = every status.
 */
export function inStatuses(run: Pick<WorkflowRun, 'status'>, statuses: readonly string[]): boolean {
  return statuses.length === 0 || statuses.includes(run.status ?? '')
}
