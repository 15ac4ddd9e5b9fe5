/**
 * rerun-failed: re-run the failed jobs of failed workflow runs, once per invocation, with the
 * guards scripts forget: active runs, runs already being retried, the 30-day window, GitHub's
 * 50-attempt cap, `max-attempts`, newer runs of the same workflow and branch, and (with
 * `job-filter` / `log-pattern`) failures that are not the flaky kind.
 */
import { log } from '../../log.js'
import { describeApiError, messageOf, statusOf } from '../../boundary/api-errors.js'
import type { WorkflowRun } from '../../readers/api-types.js'
import { SEND_ONCE, type Octokit } from '../../boundary/client.js'
import { PER_PAGE } from '../../github-limits.js'
import { jobLogMatches } from '../../readers/job-logs.js'
import { LaterRunsReader } from '../../readers/later-runs.js'
import type { ErrorVerdict } from '../../boundary/mutations.js'
import type { Target } from '../../boundary/outcomes.js'
import {
  cheapSkipReason,
  failedJobsOf,
  type GuardOptions,
  jobSkipReason,
  type LaterRuns,
  lineMatcher,
  supersededWithin
} from './rules.js'
import { listRuns, runIdIn, type ListingReport } from '../../readers/runs.js'
import type { RepositoryRef } from '../../settings.js'
import {
  forEachRepository,
  fullName,
  runTarget,
  type Handler,
  type HandlerContext
} from '../context.js'

type Context = HandlerContext<'rerun-failed'>

/** What the checks that need requests decided for one run; `attempt` is the attempt judged. */
type Verdict = { rerun: true; reason: string; attempt: number } | { rerun: false; reason: string }

/**
 * Lists the failed runs of each repository (one series per conclusion in `conclusions`, created
 * within `lookback`; or the one run of `run-id` / the `workflow_run` event), skips those the cheap
 * guards rule out, checks the rest for a newer run, failed jobs and log signature, and re-runs
 * the failed jobs of each remaining one as soon as it is judged. Once the mutation boundary says
 * the invocation must stop (the `limit` budget or the primary rate limit is spent), the runs left
 * that passed the cheap guards are skipped with its reason, and no request is spent on them.
 *
 * Endpoints: `GET /repos/{owner}/{repo}/actions/runs` (or `.../workflows/{workflow_id}/runs`, or
 * `.../runs/{run_id}`; see `listRuns`: one request when the runs since `lookback` fit on one page,
 * which then also shows every candidate's newer runs), then for skip-superseded the later runs
 * (see `LaterRunsReader`),
 * `GET .../runs/{run_id}/jobs?filter=latest` (job-filter, log-pattern),
 * `GET .../jobs/{job_id}/logs` (log-pattern), `POST .../runs/{run_id}/rerun-failed-jobs` (sent
 * once; after a lost answer `GET .../runs/{run_id}` tells whether it took effect).
 */
export const rerunFailed: Handler<'rerun-failed'> = async context => {
  const { settings, octokit, mutations } = context
  const now = context.now()
  const createdAfter = new Date(now.getTime() - settings.lookbackSeconds * 1000)
  const event = settings.runner.eventRun
  const describe = (error: unknown): string => describeApiError(error, settings.operation)
  await forEachRepository(context, async repository => {
    const listing: ListingReport = { requests: 0 }
    const runs = await listRuns(
      octokit,
      repository,
      { statuses: settings.conclusions, createdAfter },
      settings.filters,
      listing
    )
    // A newer failed run in the same listing supersedes an older one at no extra request.
    const supersededBy = settings.skipSuperseded
      ? supersededWithin(runs)
      : new Map<number, number>()
    // The event's attempt describes its run in the event's own repository only.
    const eventAttempt =
      runIdIn(settings.filters, repository) === event?.id ? event?.attempt : undefined
    const guardsFor = (run: WorkflowRun): GuardOptions => ({
      now,
      maxAttempts: settings.maxAttempts,
      conclusions: settings.conclusions,
      ...(event?.id === run.id && eventAttempt !== undefined && { eventAttempt })
    })
    const survivors: WorkflowRun[] = []
    for (const run of runs) {
      const reason =
        cheapSkipReason(run, guardsFor(run)) ??
        (supersededBy.has(run.id) ? `superseded by run ${supersededBy.get(run.id)}` : undefined)
      if (reason !== undefined) context.results.skip(target(repository, run), reason)
      else survivors.push(run)
    }
    log.info(
      `${fullName(repository)}: ${runs.length} failed runs, ${survivors.length} past the cheap guards`
    )

    const later = new LaterRunsReader(octokit, repository, survivors)
    if (settings.skipSuperseded && mutations.stopReason() === undefined) {
      // The newest runs since `lookback`, which the listing read first, show newer runs too: all of
      // them when every run fit on that page.
      if (listing.everyRun !== undefined) later.seed(listing.everyRun, true)
      else if (listing.firstPage !== undefined) later.seed(listing.firstPage, false)
      await later.scan(describe)
    }
    for (const run of survivors) {
      // Past the `limit`, or once the rate limit is spent, the checks' reads would be wasted.
      if (mutations.stopReason() !== undefined) {
        mutations.skipStopped(target(repository, run))
        continue
      }
      let verdict: Verdict
      try {
        verdict = await checkRun(context, repository, run, guardsFor(run), async () =>
          later.of(run)
        )
      } catch (error) {
        const stopped = mutations.stoppedBy(error)
        if (stopped !== undefined) context.results.skip(target(repository, run), stopped)
        else context.results.add(target(repository, run), 'failed', describe(error))
        continue
      }
      if (!verdict.rerun) {
        context.results.skip(target(repository, run), verdict.reason)
        continue
      }
      const { attempt } = verdict
      // Sent as soon as judged: the next run's reads fall into the pause between two writes.
      await mutations.apply(
        [
          {
            target: target(repository, run),
            reason: verdict.reason,
            send: async () => {
              await octokit.rest.actions.reRunWorkflowFailedJobs({
                ...repository,
                run_id: run.id,
                enable_debug_logging: settings.enableDebugLogging,
                ...SEND_ONCE
              })
              return ''
            },
            landed: async () => rerunLanded(octokit, repository, run.id, attempt),
            onError: refusedRerun
          }
        ],
        're-ran'
      )
    }
  })
}

/**
 * The checks that cost requests, cheapest first: a newer run of the same workflow and branch
 * (`laterRuns`: what the listings after the run showed, which also show the run as it is now),
 * the failed jobs of the latest attempt against `job-filter` (one paginated listing), then the
 * failed jobs' logs against `log-pattern` (one log per job until one matches).
 * A run that someone re-ran since it was listed is judged as it is now, at no extra request.
 * @throws the API error of a listing or of a log that exists but cannot be read.
 */
async function checkRun(
  context: Context,
  repository: RepositoryRef,
  listed: WorkflowRun,
  guards: GuardOptions,
  laterRuns: () => Promise<LaterRuns>
): Promise<Verdict> {
  const { settings, octokit } = context
  let run = listed
  if (settings.skipSuperseded) {
    const { newer, current } = await laterRuns()
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
    return { rerun: true, reason: reasons.join('; '), attempt }
  }
  const jobs = await octokit.paginate(octokit.rest.actions.listJobsForWorkflowRun, {
    ...repository,
    run_id: run.id,
    filter: 'latest',
    per_page: PER_PAGE
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
  if (settings.logPattern === undefined) {
    return { rerun: true, reason: reasons.join('; '), attempt }
  }

  const matches = lineMatcher(settings.logPattern)
  const unavailable: string[] = []
  for (const job of failed) {
    try {
      if (await jobLogMatches(octokit, repository, job.id, matches, settings.pacing)) {
        reasons.push(`log of ${job.name} matches log-pattern`)
        return { rerun: true, reason: reasons.join('; '), attempt }
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
 * Whether a re-run whose answer was lost took effect: the run has an attempt past the one judged
 * (`GET /repos/{owner}/{repo}/actions/runs/{run_id}`). A re-run by someone else in those seconds
 * looks the same and is reported as the action's.
 * @throws the API error of the read (404 when the run was deleted).
 */
async function rerunLanded(
  octokit: Octokit,
  repository: RepositoryRef,
  runId: number,
  attempt: number
): Promise<boolean> {
  const { data } = await octokit.rest.actions.getWorkflowRun({ ...repository, run_id: runId })
  return (data.run_attempt ?? 1) > attempt
}

/**
 * The guards make these rare, but a run can change between listing and re-run (someone re-ran it,
 * or it aged past 30 days): GitHub then answers 403 with a message that says which, or 404 when
 * the run was deleted. Anything else (a missing permission) is a failure with the generic hint.
 * A re-run whose answer was lost is never sent again once it took effect (`rerunLanded`), so
 * "already running" means someone else re-ran it.
 */
function refusedRerun(error: unknown): ErrorVerdict {
  // Listed a moment ago, so the repository is visible: the run itself was deleted since.
  if (statusOf(error) === 404) return { outcome: 'skipped', reason: 'deleted since listed' }
  if (statusOf(error) !== 403) return undefined
  const message = messageOf(error)
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

const target = (repository: RepositoryRef, run: WorkflowRun): Target =>
  runTarget(repository, run, 'rerun-failed-jobs')
