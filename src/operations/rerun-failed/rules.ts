/**
 * Whether a failed workflow run should be re-run. Pure: no API, no clock of its own. The cheap
 * guards decide from the run object alone, before any call that GitHub would refuse; the job
 * rules decide from the failed jobs of the run's latest attempt.
 */
import type { RE2JS } from 're2js'
import type { WorkflowRun } from '../../readers/api-types.js'
import { MAX_RUN_ATTEMPTS, RERUN_WINDOW_SECONDS } from '../../github-limits.js'
import { matchesAny } from '../../rules/matching.js'
import { newestFirst } from '../../rules/ordering.js'

/** Job conclusions that "re-run failed jobs" starts over (GitHub's "failed" jobs). */
export const FAILED_JOB_CONCLUSIONS: readonly string[] = ['failure', 'timed_out', 'cancelled']

/** The fields of a run the guards read. */
export type RerunCandidate = Pick<
  WorkflowRun,
  | 'id'
  | 'status'
  | 'conclusion'
  | 'run_attempt'
  | 'created_at'
  | 'workflow_id'
  | 'head_branch'
  | 'head_repository'
>

export interface GuardOptions {
  now: Date
  /** `max-attempts`: runs whose `run_attempt` is at least this are skipped (1..50). */
  maxAttempts: number
  /** `conclusions`: the conclusions that count as failed. */
  conclusions: readonly string[]
  /**
   * The attempt a `workflow_run` event reported for this run. When the run has a later attempt by
   * now, someone (or an earlier invocation) already re-ran it.
   */
  eventAttempt?: number
}

/**
 * The reason to skip `run` without any further request, or undefined when it may be re-run as far
 * as the run object tells. Checked in this order: active (still running, or already being
 * retried), a newer attempt than the event's, conclusion, 30-day window, GitHub's 50-attempt cap,
 * `max-attempts`.
 */
export function cheapSkipReason(run: RerunCandidate, options: GuardOptions): string | undefined {
  const attempt = run.run_attempt ?? 1
  if (run.status !== 'completed') {
    return attempt > 1
      ? `already being retried (attempt ${attempt} is ${run.status ?? 'active'})`
      : 'still running'
  }
  if (options.eventAttempt !== undefined && attempt > options.eventAttempt) {
    return `already retried (attempt ${attempt} exists; the event was for attempt ${options.eventAttempt})`
  }
  const conclusion = run.conclusion ?? 'none'
  if (!options.conclusions.includes(conclusion)) {
    return `conclusion ${conclusion} is not in conclusions (${options.conclusions.join(', ')})`
  }
  const ageSeconds = (options.now.getTime() - Date.parse(run.created_at)) / 1000
  if (ageSeconds > RERUN_WINDOW_SECONDS) return 'older than 30 days (GitHub refuses re-runs)'
  if (attempt >= MAX_RUN_ATTEMPTS) return "GitHub's 50-attempt cap reached"
  if (attempt >= options.maxAttempts) return 'max attempts reached'
  return undefined
}

/**
 * The group in which a newer run supersedes an older one: same workflow, same head branch, same
 * head repository (a fork's `main` is not our `main`). Undefined for runs without a head branch,
 * which nothing supersedes.
 */
export function supersessionKey(run: RerunCandidate): string | undefined {
  if (!run.head_branch) return undefined
  const headRepository = run.head_repository?.full_name ?? run.head_repository?.id ?? ''
  return JSON.stringify([run.workflow_id, run.head_branch, headRepository])
}

/** True when `other` is a different, newer run in the same group as `run`. */
export function supersedes(other: RerunCandidate, run: RerunCandidate): boolean {
  const key = supersessionKey(run)
  return (
    key !== undefined &&
    other.id !== run.id &&
    supersessionKey(other) === key &&
    newestFirst(other, run) < 0
  )
}

/**
 * Within a list of runs, the newest run of each one's group, for the runs that are not the newest.
 * @returns run id → id of the newest run of its group (only for superseded runs).
 */
export function supersededWithin(runs: readonly RerunCandidate[]): Map<number, number> {
  const newest = new Map<string, RerunCandidate>()
  for (const run of [...runs].sort(newestFirst)) {
    const key = supersessionKey(run)
    if (key !== undefined && !newest.has(key)) newest.set(key, run)
  }
  const superseded = new Map<number, number>()
  for (const run of runs) {
    const key = supersessionKey(run)
    const top = key === undefined ? undefined : newest.get(key)
    if (top && top.id !== run.id) superseded.set(run.id, top.id)
  }
  return superseded
}

/** What the runs listed after a candidate tell: a newer run of its group, or itself as it is now. */
export interface LaterRuns<R extends RerunCandidate = WorkflowRun> {
  newer?: R
  current?: R
}

/**
 * Decides, page by page from a listing newest first (of the whole repository, or of one workflow
 * and branch), whether a newer run of each candidate's group exists. Every run newer than a
 * candidate comes before it, so a candidate is decided once its group's newest run (when that
 * supersedes it) or the candidate itself has been listed; a candidate absent from a complete
 * listing was deleted since (`{}`: the re-run will tell). Candidates without a head branch are
 * never pending: nothing supersedes them.
 */
export class LaterRunsFinder<R extends RerunCandidate> {
  /** Candidate id → what the listing showed, for the candidates decided so far. */
  readonly decided = new Map<number, LaterRuns<R>>()
  private undecided: R[]
  private readonly newestOfGroup = new Map<string, R>()
  private readonly seen = new Map<number, R>()

  constructor(candidates: readonly R[]) {
    this.undecided = candidates.filter(run => supersessionKey(run) !== undefined)
  }

  /** The candidates not decided yet, in the order given. */
  get pending(): readonly R[] {
    return this.undecided
  }

  /**
   * Takes the next page of the listing; `complete` when no page follows it.
   * @returns how many candidates this page decided.
   */
  observe(page: readonly R[], complete: boolean): number {
    for (const run of page) {
      this.seen.set(run.id, run)
      const key = supersessionKey(run)
      if (key !== undefined && !this.newestOfGroup.has(key)) this.newestOfGroup.set(key, run)
    }
    const before = this.undecided.length
    this.undecided = this.undecided.filter(candidate => {
      const top = this.newestOfGroup.get(supersessionKey(candidate) ?? '')
      const current = this.seen.get(candidate.id)
      if (top !== undefined && supersedes(top, candidate)) {
        this.decided.set(candidate.id, { newer: top })
      } else if (current !== undefined) {
        this.decided.set(candidate.id, { current })
      } else if (complete) {
        this.decided.set(candidate.id, {})
      } else {
        return true
      }
      return false
    })
    return before - this.undecided.length
  }

  /**
   * The listings of one workflow and branch that would decide the pending candidates: one per
   * (workflow, head branch), since such a listing shows every head repository's runs.
   */
  branchListings(): number {
    return new Set(this.undecided.map(branchListingKey)).size
  }
}

/** The listing (workflow and head branch) that shows a run's newer runs. */
export function branchListingKey(run: Pick<RerunCandidate, 'workflow_id' | 'head_branch'>): string {
  return JSON.stringify([run.workflow_id, run.head_branch])
}

/** The fields of a job the job rules read. */
export interface JobFacts {
  id: number
  name: string
  conclusion: string | null
}

/** The jobs that "re-run failed jobs" would start over. */
export function failedJobsOf<J extends JobFacts>(jobs: readonly J[]): J[] {
  return jobs.filter(
    job => job.conclusion !== null && FAILED_JOB_CONCLUSIONS.includes(job.conclusion)
  )
}

/**
 * The reason to skip a run given the failed jobs of its latest attempt and `job-filter`, or
 * undefined to go on. With a filter, every failed job must match one of its globs: GitHub re-queues
 * all failed jobs of a run at once, so one job outside the filter (a real failure) rules the
 * re-run out.
 */
export function jobSkipReason(
  failedJobs: readonly JobFacts[],
  jobFilter: readonly string[],
  attempt: number
): string | undefined {
  if (failedJobs.length === 0) return `no failed jobs in attempt ${attempt}`
  if (jobFilter.length === 0) return undefined
  const outside = failedJobs.find(job => !matchesAny(job.name, jobFilter))
  return outside ? `failed job ${outside.name} is not in job-filter` : undefined
}

/**
 * Tests one log line against `log-pattern`, compiled by RE2 (linear time in the line's length,
 * whatever the pattern). GitHub starts every log line with a timestamp
 * (`2026-11-22T12:00:00.1234567Z `); the line matches when either the text after it or the whole
 * line does, so `^Error:` works as people write it.
 */
export function lineMatcher(pattern: RE2JS): (line: string) => boolean {
  return line => {
    const text = line.replace(LOG_TIMESTAMP, '')
    return pattern.test(text) || (text !== line && pattern.test(line))
  }
}

const LOG_TIMESTAMP = /^\uFEFF?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z /
