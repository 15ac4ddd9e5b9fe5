/**
 * Which completed workflow runs delete-runs deletes: candidates older than the cut-off that are
 * not among the newest `keep-latest` completed runs of their group. Pure: no API, no clock.
 *
 * The handler lists the completed runs created before the cut-off (every one of each group in
 * scope); whether a run is among its group's newest may also depend on runs created after the
 * cut-off, which it reads only for the groups where that decides something (`newerCount`).
 */

/** The fields of a completed run the rule reads, as the REST API returns them. */
export interface RetentionRun {
  id: number
  workflow_id: number
  head_branch: string | null
  head_repository?: { id?: number; full_name?: string } | null
  created_at: string
}

/**
 * A run's group: same workflow, head branch and head repository, so a fork's `main` never counts
 * among ours.
 */
export function retentionGroupKey(run: RetentionRun): string {
  const headRepository = run.head_repository?.full_name ?? run.head_repository?.id ?? ''
  return JSON.stringify([run.workflow_id, run.head_branch ?? '', headRepository])
}

/** Orders runs newest first: by `created_at`, then by id. */
export function newestRunFirst(a: RetentionRun, b: RetentionRun): number {
  return Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id
}

export type RunVerdict<R extends RetentionRun> =
  /** Deleted: at least `keepLatest` completed runs of its group are newer (`newer` of them). */
  | { run: R; verdict: 'delete'; newer: number }
  /** Kept: one of its group's newest `keepLatest` (`rank` 1 = the newest). */
  | { run: R; verdict: 'keep'; rank: number }
  /** Kept or deleted depending on runs of its group created after the cut-off, not read yet. */
  | { run: R; verdict: 'undecided' }

export interface RetentionOptions<R extends RetentionRun> {
  /** Completed runs kept per group (0 = none). */
  keepLatest: number
  /**
   * How many completed runs of the group (by `retentionGroupKey`) were created at or after the
   * cut-off: exact, or any number ≥ `keepLatest` when there are at least that many; undefined
   * while unknown.
   */
  newerCount: (group: string) => number | undefined
  /** The runs that may be deleted (the filters that pick runs within a group); default every run. */
  isCandidate?: (run: R) => boolean
}

/**
 * Judges the candidates among `history`, every completed run created before the cut-off of the
 * groups in scope. A candidate with `i` newer runs in `history` and `n` in its group after the
 * cut-off is deleted when `i + n ≥ keepLatest`; when `n` is unknown, only `i ≥ keepLatest` decides.
 * Runs that are not candidates still count among their group's newest.
 * @returns the candidates' verdicts, oldest first (the order they are deleted in).
 */
export function judgeRetention<R extends RetentionRun>(
  history: readonly R[],
  options: RetentionOptions<R>
): RunVerdict<R>[] {
  const groups = new Map<string, R[]>()
  for (const run of [...history].sort(newestRunFirst)) {
    const key = retentionGroupKey(run)
    const members = groups.get(key)
    if (members) members.push(run)
    else groups.set(key, [run])
  }
  const verdicts: RunVerdict<R>[] = []
  for (const [key, members] of groups) {
    const after = options.newerCount(key)
    members.forEach((run, index) => {
      if (options.isCandidate && !options.isCandidate(run)) return
      if (after === undefined && index < options.keepLatest) {
        verdicts.push({ run, verdict: 'undecided' })
        return
      }
      const newer = index + (after ?? 0)
      verdicts.push(
        newer >= options.keepLatest
          ? { run, verdict: 'delete', newer }
          : { run, verdict: 'keep', rank: newer + 1 }
      )
    })
  }
  return verdicts.sort((a, b) => newestRunFirst(b.run, a.run))
}

/**
 * The verdicts that a budget of `budget` deletions would reach: walking oldest first, every
 * verdict but `keep` may take a deletion, so those past the first `budget` of them would be
 * skipped (limit reached) whatever is read about them, and need no reads.
 * @returns the `delete` and `undecided` verdicts reached, oldest first.
 */
export function verdictsWithin<R extends RetentionRun>(
  verdicts: readonly RunVerdict<R>[],
  budget: number
): RunVerdict<R>[] {
  const reached: RunVerdict<R>[] = []
  for (const verdict of verdicts) {
    if (reached.length >= budget) break
    if (verdict.verdict !== 'keep') reached.push(verdict)
  }
  return reached
}

/**
 * The undecided verdicts that a budget of `budget` deletions would reach (see `verdictsWithin`):
 * those past it need no reads of the runs after the cut-off.
 */
export function undecidedWithin<R extends RetentionRun>(
  verdicts: readonly RunVerdict<R>[],
  budget: number
): R[] {
  return verdictsWithin(verdicts, budget).flatMap(verdict =>
    verdict.verdict === 'undecided' ? [verdict.run] : []
  )
}

/** The states GitHub gives a workflow (`GET /repos/{owner}/{repo}/actions/workflows`). */
export const WORKFLOW_STATES = [
  'active',
  'deleted',
  'disabled_fork',
  'disabled_inactivity',
  'disabled_manually'
] as const

export type WorkflowState = (typeof WORKFLOW_STATES)[number]

/**
 * The state of a run's workflow: as the repository's workflow listing gives it, and `deleted` when
 * the listing does not have it (its file was removed; GitHub keeps its runs).
 * @param listed workflow id → state, every workflow of the repository's listing.
 */
export function workflowStateOf(workflowId: number, listed: ReadonlyMap<number, string>): string {
  return listed.get(workflowId) ?? 'deleted'
}

/**
 * Whether a run's workflow is in one of `wanted` (the `workflow-state` input; empty = any state).
 * @param listed workflow id → state, every workflow of the repository's listing.
 */
export function inWorkflowStates(
  workflowId: number,
  wanted: readonly string[],
  listed: ReadonlyMap<number, string>
): boolean {
  return wanted.length === 0 || wanted.includes(workflowStateOf(workflowId, listed))
}

/**
 * The open pull requests by their head commit: a run at that commit gives the pull request its
 * checks. When several open pull requests share a head, the lowest number names them.
 * @param pulls every open pull request of the repository.
 * @returns head SHA → pull request number.
 */
export function pullRequestsByHead(
  pulls: ReadonlyArray<{ number: number; headSha: string }>
): Map<string, number> {
  const byHead = new Map<string, number>()
  for (const pull of pulls) {
    const known = byHead.get(pull.headSha)
    if (known === undefined || pull.number < known) byHead.set(pull.headSha, pull.number)
  }
  return byHead
}
