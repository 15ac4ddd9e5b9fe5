/**
 * Re-running failed jobs and downloading job logs.
 *
 * Re-run semantics (`POST .../runs/{run_id}/rerun-failed-jobs`): the run gets a new attempt
 * (`run_attempt` + 1, status `queued`, no conclusion, the caller as `triggering_actor`); in that
 * attempt the failed jobs (conclusion `failure`, `timed_out` or `cancelled`) start over as `queued`
 * and the others keep their results. GitHub also re-runs the jobs that depend on the failed ones;
 * the scenario has no `needs:` graph, so only the failed jobs are reset. Refused with 403 while the
 * run is active, for runs created more than 30 days ago, and at 50 attempts.
 *
 * Logs (`GET .../jobs/{job_id}/logs`): 302 to a short-lived URL on the blob host, another origin;
 * 404 for a job that has not completed or has no `log` in the scenario (a log that expired).
 */
import { errorResponse, type ApiResponse } from '../responses.js'
import { json, numericParam, type HandlerContext, type Router } from '../router.js'
import {
  isActive,
  isoSeconds,
  type JobState,
  type RepositoryState,
  type RunState
} from '../state.js'
import { findRun } from './runs.js'

declare module '../scenario.js' {
  interface ScenarioRun {
    /** Re-runs the run received through the API, oldest first (the simulator appends to it). */
    reruns?: ScenarioRerun[]
  }
}

/** One accepted re-run request. */
export interface ScenarioRerun {
  /** The attempt the re-run created. */
  attempt: number
  /** `enable_debug_logging` as the request sent it (false when omitted). */
  enable_debug_logging: boolean
  /** Login of the caller. */
  by: string
  /** ISO 8601, simulator clock. */
  at: string
}

const RERUN_FAILED_DOCS =
  'https://docs.github.com/rest/actions/workflow-runs#re-run-failed-jobs-from-a-workflow-run'
const LOGS_DOCS =
  'https://docs.github.com/rest/actions/workflow-jobs#download-job-logs-for-a-workflow-run'

/** GitHub refuses re-runs of runs created more than this long ago (ms). */
export const RERUN_WINDOW_MS = 30 * 24 * 3600 * 1000
/** GitHub re-runs a workflow run at most this many times (attempts, the first included). */
export const MAX_RUN_ATTEMPTS = 50
/** Job conclusions "re-run failed jobs" starts over. */
export const FAILED_JOB_CONCLUSIONS: ReadonlySet<string> = new Set([
  'failure',
  'timed_out',
  'cancelled'
])

/** Registers the re-run and log endpoints on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/re-run-workflow-failed-jobs', rerunFailedJobs)
  router.register('actions/download-job-logs-for-workflow-run', downloadJobLogs)
}

function rerunFailedJobs(ctx: HandlerContext): ApiResponse {
  const repo = ctx.repository()
  const run = findRun(repo, numericParam(ctx, 'run_id'))
  const now = ctx.now()
  if (isActive(run)) {
    return errorResponse(403, 'This workflow is already running', RERUN_FAILED_DOCS)
  }
  if (now.getTime() - Date.parse(run.created_at) > RERUN_WINDOW_MS) {
    return errorResponse(
      403,
      'Unable to retry this workflow run because it was created over a month ago',
      RERUN_FAILED_DOCS
    )
  }
  if (run.run_attempt >= MAX_RUN_ATTEMPTS) {
    return errorResponse(
      403,
      `This workflow run cannot be retried: it has reached the maximum of ${MAX_RUN_ATTEMPTS} attempts`,
      RERUN_FAILED_DOCS
    )
  }
  const body = ctx.body as { enable_debug_logging?: boolean } | null | undefined
  const at = isoSeconds(now)
  const attempt = run.run_attempt + 1
  let nextJobId = maxJobId(repo) + 1
  const carried: JobState[] = run.jobs
    .filter(job => job.run_attempt === run.run_attempt)
    .map(job => {
      const id = nextJobId++
      if (job.conclusion !== null && FAILED_JOB_CONCLUSIONS.has(job.conclusion)) {
        // The new attempt's log does not exist until the job runs again.
        return {
          ...job,
          log: undefined,
          id,
          run_attempt: attempt,
          status: 'queued',
          conclusion: null,
          started_at: at,
          completed_at: null
        }
      }
      return { ...job, id, run_attempt: attempt }
    })
  run.jobs.push(...carried)
  run.run_attempt = attempt
  run.status = 'queued'
  run.conclusion = null
  run.updated_at = at
  run.run_started_at = at
  run.triggering_actor = ctx.caller.info.login
  const reruns = (run.reruns ??= [])
  reruns.push({
    attempt,
    enable_debug_logging: body?.enable_debug_logging ?? false,
    by: ctx.caller.info.login,
    at
  })
  return json({}, 201)
}

function downloadJobLogs(ctx: HandlerContext): ApiResponse {
  const repo = ctx.repository()
  const jobId = numericParam(ctx, 'job_id')
  const found = findJob(repo, jobId)
  // A job that has not finished has no downloadable log yet; one without `log` in the scenario
  // stands for a log that is gone (retention expired, or deleted).
  if (!found || found.job.status !== 'completed' || found.job.log === undefined) {
    return errorResponse(404, 'Not Found', LOGS_DOCS)
  }
  return { status: 302, headers: { location: ctx.blobs.put(found.job.log) } }
}

function findJob(
  repo: RepositoryState,
  jobId: number
): { run: RunState; job: JobState } | undefined {
  for (const run of repo.runs) {
    const job = run.jobs.find(j => j.id === jobId)
    if (job) return { run, job }
  }
  return undefined
}

function maxJobId(repo: RepositoryState): number {
  let max = 0
  for (const run of repo.runs) for (const job of run.jobs) max = Math.max(max, job.id)
  return max
}
