/**
 * rerun-failed: re-run the failed jobs of failed workflow runs, once per invocation, with the
 * guards scripts forget: active runs, runs already being retried, the 30-day window, GitHub's
 * 50-attempt cap, `max-attempts`, newer runs of the same workflow and branch, and (with
 * `job-filter` / `log-pattern`) failures that are not the flaky kind.
 */
import * as core from '@actions/core'
import { describeApiError, rateLimitResetOf, statusOf } from '../api-errors.js'
import { jobLogMatches } from '../job-logs.js'
import type { ErrorVerdict, PlannedWrite } from '../mutations.js'
import type { Target } from '../outcomes.js'
import {
  cheapSkipReason,
  failedJobsOf,
  type GuardOptions,
  jobSkipReason,
  lineMatcher,
  supersededWithin,
  supersedes
} from '../rules/rerun.js'
import { listRuns, type WorkflowRun } from '../runs.js'
import type { RepositoryRef } from '../settings.js'
import { forEachRepository, fullName, type Handler, type HandlerContext } from './context.js'

type Context = HandlerContext<'rerun-failed'>

/** What the checks that need requests decided for one run. */
type Verdict = { rerun: true; reason: string } | { rerun: false; reason: string }

/**
 * Lists the failed runs of each repository (one series per conclusion in `conclusions`, created
 * within `lookback`; or the one run of `run-id` / the `workflow_run` event), skips those the cheap
 * guards rule out, checks the rest for a newer run, failed jobs and log signature, and re-runs
 * the failed jobs of the remaining ones.
 *
 * Endpoints: `GET /repos/{owner}/{repo}/actions/runs` (or `.../workflows/{workflow_id}/runs`, or
 * `.../runs/{run_id}`), `GET .../workflows/{workflow_id}/runs?branch=…&created=>=…` (skip-superseded),
 * `GET .../runs/{run_id}/jobs?filter=latest` (job-filter, log-pattern),
 * `GET .../jobs/{job_id}/logs` (log-pattern), `POST .../runs/{run_id}/rerun-failed-jobs`.
 */
export const rerunFailed: Handler<'rerun-failed'> = async context => {
  const { settings, octokit } = context
  const now = context.now()
  const createdAfter = new Date(now.getTime() - settings.lookbackSeconds * 1000)
  const event = eventRunOf(context)
  await forEachRepository(context, async repository => {
    const runs = await listRuns(
      octokit,
      repository,
      { statuses: settings.conclusions, createdAfter },
      settings.filters
    )
    // A newer failed run in the same listing supersedes an older one at no extra request.
    const supersededBy = settings.skipSuperseded
      ? supersededWithin(runs)
      : new Map<number, number>()
    const guardsFor = (run: WorkflowRun): GuardOptions => ({
      now,
      maxAttempts: settings.maxAttempts,
      conclusions: settings.conclusions,
      ...(event?.id === run.id && event.attempt !== undefined && { eventAttempt: event.attempt })
    })
    const survivors: WorkflowRun[] = []
    for (const run of runs) {
      const reason =
        cheapSkipReason(run, guardsFor(run)) ??
        (supersededBy.has(run.id) ? `superseded by run ${supersededBy.get(run.id)}` : undefined)
      if (reason !== undefined) context.results.skip(runTarget(repository, run), reason)
      else survivors.push(run)
    }
    core.info(
      `${fullName(repository)}: ${runs.length} failed runs, ${survivors.length} past the cheap guards`
    )

    const writes: PlannedWrite[] = []
    let rateLimitedUntil: Date | undefined
    for (const run of survivors) {
      const target = runTarget(repository, run)
      // Once the primary rate limit is spent, every further read would be refused too: the rest
      // wait for the next invocation, like the writes the mutation boundary holds back.
      if (rateLimitedUntil) {
        context.results.skip(target, `rate limit exhausted until ${rateLimitedUntil.toISOString()}`)
        continue
      }
      let verdict: Verdict
      try {
        verdict = await checkRun(context, repository, run, guardsFor(run))
      } catch (error) {
        rateLimitedUntil = rateLimitResetOf(error)
        if (rateLimitedUntil) {
          context.results.skip(target, describeApiError(error, settings.operation))
        } else {
          context.results.add(target, 'failed', describeApiError(error, settings.operation))
        }
        continue
      }
      if (!verdict.rerun) {
        context.results.skip(target, verdict.reason)
        continue
      }
      writes.push({
        target,
        reason: verdict.reason,
        send: async () => {
          await octokit.rest.actions.reRunWorkflowFailedJobs({
            ...repository,
            run_id: run.id,
            enable_debug_logging: settings.enableDebugLogging
          })
          return ''
        },
        onError: refusedRerun
      })
    }
    await context.mutations.apply(writes, 're-ran')
  })
}

/**
 * The checks that cost requests, cheapest first: a newer run of the same workflow and branch
 * (one listing, which also shows the run as it is now), the failed jobs of the latest attempt
 * against `job-filter` (one paginated listing), then the failed jobs' logs against `log-pattern`
 * (one log per job until one matches). A run that someone re-ran since it was listed is judged
 * as it is now, at no extra request.
 * @throws the API error of a listing or of a log that exists but cannot be read.
 */
async function checkRun(
  context: Context,
  repository: RepositoryRef,
  listed: WorkflowRun,
  guards: GuardOptions
): Promise<Verdict> {
  const { settings, octokit } = context
  let run = listed
  if (settings.skipSuperseded) {
    const { newer, current } = await laterRunsOf(context, repository, listed)
    if (newer !== undefined) return { rerun: false, reason: `superseded by run ${newer.id}` }
    if (current !== undefined) {
      const changed = cheapSkipReason(current, guards)
      if (changed !== undefined) return { rerun: false, reason: `changed since listed: ${changed}` }
      run = current
    }
  }
  const attempt = run.run_attempt ?? 1
  const reasons = [`conclusion ${run.conclusion ?? 'none'}, attempt ${attempt}`]
  if (settings.jobFilter.length === 0 && settings.logPattern === undefined) {
    return { rerun: true, reason: reasons.join('; ') }
  }
  const jobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
    ...repository,
    run_id: run.id,
    filter: 'latest',
    per_page: 100
  })
  // `filter=latest` answers for the attempt that is latest now: a later one means someone re-ran
  // the run after the checks above, and its jobs say nothing about the attempt that was judged.
  const later = jobs.find(job => (job.run_attempt ?? attempt) > attempt)
  if (later !== undefined) {
    return {
      rerun: false,
      reason: `changed since listed: attempt ${later.run_attempt ?? ''} exists`
    }
  }
  const failed = failedJobsOf(jobs)
  const jobReason = jobSkipReason(failed, settings.jobFilter, attempt)
  if (jobReason !== undefined) return { rerun: false, reason: jobReason }
  if (settings.jobFilter.length > 0) {
    reasons.push(`failed jobs ${failed.map(job => job.name).join(', ')} match job-filter`)
  }
  if (settings.logPattern === undefined) return { rerun: true, reason: reasons.join('; ') }

  const matches = lineMatcher(settings.logPattern)
  const unavailable: string[] = []
  for (const job of failed) {
    try {
      if (await jobLogMatches(octokit, repository, job.id, matches)) {
        reasons.push(`log of ${job.name} matches log-pattern`)
        return { rerun: true, reason: reasons.join('; ') }
      }
    } catch (error) {
      // A log that is gone (expired, deleted) cannot show the signature; the others still may.
      const status = statusOf(error)
      if (status !== 404 && status !== 410) throw error
      unavailable.push(job.name)
    }
  }
  return {
    rerun: false,
    reason:
      unavailable.length === 0
        ? 'log did not match'
        : `log did not match (no log for ${unavailable.join(', ')})`
  }
}

/**
 * The newest run of the same workflow on the same head branch (same head repository) created
 * after `run`, if any, and `run` itself as it is now. The failed-run listing cannot tell: a newer
 * run that succeeded or is still running is not in it. One listing filtered server-side by
 * workflow, branch and `created>=` the run's creation answers it, newest first, so the first page
 * almost always decides; it is asked only for runs that passed every cheap guard and are the
 * newest failed run of their group, so a scan costs one request per (workflow, branch) group with
 * a candidate, not one per run. The listing includes `run` (created at that very second); when no
 * newer run exists, every page is read and `current` is found.
 * @throws the API error of the listing.
 */
async function laterRunsOf(
  context: Context,
  repository: RepositoryRef,
  run: WorkflowRun
): Promise<{ newer?: WorkflowRun; current?: WorkflowRun }> {
  if (!run.head_branch) return {}
  const pages = context.octokit.paginate.iterator(context.octokit.rest.actions.listWorkflowRuns, {
    ...repository,
    workflow_id: run.workflow_id,
    branch: run.head_branch,
    created: `>=${run.created_at}`,
    exclude_pull_requests: true,
    per_page: 100
  })
  let current: WorkflowRun | undefined
  for await (const page of pages) {
    const runs = page.data as WorkflowRun[]
    current ??= runs.find(other => other.id === run.id)
    const newer = runs.find(other => supersedes(other, run))
    if (newer) return { newer }
  }
  return current ? { current } : {}
}

/**
 * The triggering run of a `workflow_run` event: its id and the attempt the event was sent for, so
 * a run someone re-ran since is not re-run again.
 */
function eventRunOf(context: Context): { id: number; attempt?: number } | undefined {
  const { runner } = context.settings
  if (runner.eventName !== 'workflow_run') return undefined
  const workflowRun = runner.payload.workflow_run as
    { id?: unknown; run_attempt?: unknown } | undefined
  if (typeof workflowRun?.id !== 'number') return undefined
  return {
    id: workflowRun.id,
    ...(typeof workflowRun.run_attempt === 'number' && { attempt: workflowRun.run_attempt })
  }
}

/**
 * The guards make these rare, but a run can change between listing and re-run (someone re-ran it,
 * or it aged past 30 days): GitHub then answers 403 with a message that says which, or 404 when
 * the run was deleted. Anything else (a missing permission) is a failure with the generic hint.
 * A re-run whose answer was lost and whose retry found the run running is reported as already
 * being retried: the client cannot tell its own first attempt from someone else's.
 */
function refusedRerun(error: unknown): ErrorVerdict {
  // Listed a moment ago, so the repository is visible: the run itself was deleted since.
  if (statusOf(error) === 404) return { outcome: 'skipped', reason: 'deleted since listed' }
  if (statusOf(error) !== 403) return undefined
  const message = error instanceof Error ? error.message : ''
  if (/already running/i.test(message)) {
    return { outcome: 'skipped', reason: 'already being retried (GitHub: already running)' }
  }
  if (/over a month ago/i.test(message)) {
    return { outcome: 'skipped', reason: 'older than 30 days (GitHub refuses re-runs)' }
  }
  if (/maximum/i.test(message) && /attempt/i.test(message)) {
    return { outcome: 'skipped', reason: "GitHub's 50-attempt cap reached" }
  }
  return undefined
}

function runTarget(repository: RepositoryRef, run: WorkflowRun): Target {
  return {
    repository: fullName(repository),
    kind: 'run',
    id: run.id,
    action: 'rerun-failed-jobs',
    url: run.html_url
  }
}
