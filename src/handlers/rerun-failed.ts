/**
 * rerun-failed: re-run the failed jobs of failed workflow runs, once per invocation, with the
 * guards scripts forget: active runs, runs already being retried, the 30-day window, GitHub's
 * 50-attempt cap, `max-attempts`, newer runs of the same workflow and branch, and (with
 * `job-filter` / `log-pattern`) failures that are not the flaky kind.
 */
import * as core from '@actions/core'
import { describeApiError, rateLimitResetOf, statusOf } from '../api-errors.js'
import { SEND_ONCE, type Octokit } from '../client.js'
import { jobLogMatches } from '../job-logs.js'
import type { ErrorVerdict, PlannedWrite } from '../mutations.js'
import type { Target } from '../outcomes.js'
import {
  cheapSkipReason,
  failedJobsOf,
  type GuardOptions,
  jobSkipReason,
  type LaterRuns,
  LaterRunsFinder,
  branchListingKey,
  lineMatcher,
  supersededWithin
} from '../rules/rerun.js'
import {
  LISTING_CAP,
  listRuns,
  type ListingReport,
  newestFirst,
  runIdIn,
  totalCountOf,
  type WorkflowRun
} from '../runs.js'
import type { RepositoryRef } from '../settings.js'
import { forEachRepository, fullName, type Handler, type HandlerContext } from './context.js'

type Context = HandlerContext<'rerun-failed'>

/** Runs per listing page (GitHub's maximum). */
const PER_PAGE = 100

/** What the checks that need requests decided for one run; `attempt` is the attempt judged. */
type Verdict = { rerun: true; reason: string; attempt: number } | { rerun: false; reason: string }

/**
 * Lists the failed runs of each repository (created within `lookback`: see `listRuns`, one request
 * when they fit on one page, else one series per conclusion in `conclusions`; or the one run of
 * `run-id` / the `workflow_run` event), skips those the cheap guards rule out, checks the rest
 * for a newer run, failed jobs and log signature, and re-runs the failed jobs of the remaining
 * ones.
 *
 * Endpoints: `GET /repos/{owner}/{repo}/actions/runs` (or `.../workflows/{workflow_id}/runs`, or
 * `.../runs/{run_id}`), then for skip-superseded (unless that one page showed every run since
 * `lookback`) `GET /repos/{owner}/{repo}/actions/runs?created=…` (several candidates) or `GET .../workflows/{workflow_id}/runs?branch=…&created=>=…` (one per
 * workflow and branch the scan left undecided),
 * `GET .../runs/{run_id}/jobs?filter=latest` (job-filter, log-pattern),
 * `GET .../jobs/{job_id}/logs` (log-pattern), `POST .../runs/{run_id}/rerun-failed-jobs` (sent
 * once; after a lost answer `GET .../runs/{run_id}` tells whether it took effect).
 */
export const rerunFailed: Handler<'rerun-failed'> = async context => {
  const { settings, octokit } = context
  const now = context.now()
  const createdAfter = new Date(now.getTime() - settings.lookbackSeconds * 1000)
  const event = eventRunOf(context)
  // Re-runs planned so far, across repositories: the `limit` budget they will spend.
  let planned = 0
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
      if (reason !== undefined) context.results.skip(runTarget(repository, run), reason)
      else survivors.push(run)
    }
    core.info(
      `${fullName(repository)}: ${runs.length} failed runs, ${survivors.length} past the cheap guards`
    )

    // A listing that showed every run since `lookback` already shows each candidate's newer runs.
    const scanned = !settings.skipSuperseded
      ? new Map<number, LaterRuns>()
      : listing.everyRun !== undefined
        ? laterRunsAmong(listing.everyRun, survivors)
        : await scanLaterRuns(context, repository, survivors)
    const perBranch = laterRunsPerBranch(
      context,
      repository,
      survivors.filter(run => !scanned.has(run.id))
    )
    const writes: PlannedWrite[] = []
    let rateLimitedUntil: Date | undefined
    for (const run of survivors) {
      const target = runTarget(repository, run)
      // Past the `limit`, the mutation boundary skips the re-run (limit reached) whatever the
      // checks would say: reading jobs and logs for it would be spent for nothing.
      if (planned >= settings.limit) {
        writes.push({ target, reason: 'not checked', send: unchecked })
        continue
      }
      // Once the primary rate limit is spent, every further read would be refused too: the rest
      // wait for the next invocation, like the writes the mutation boundary holds back.
      if (rateLimitedUntil) {
        context.results.skip(target, `rate limit exhausted until ${rateLimitedUntil.toISOString()}`)
        continue
      }
      let verdict: Verdict
      try {
        const seen = scanned.get(run.id)
        verdict = await checkRun(context, repository, run, guardsFor(run), async () =>
          seen !== undefined ? seen : perBranch(run)
        )
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
      const { attempt } = verdict
      writes.push({
        target,
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
      })
      planned += 1
    }
    await context.mutations.apply(writes, 're-ran')
  })
}

/**
 * The checks that cost requests, cheapest first: a newer run of the same workflow and branch
 * (`laterRuns`: what the repository-wide scan or the branch's listing showed, which also shows the
 * run as it is now), the failed jobs of the latest attempt against `job-filter` (one paginated
 * listing), then the failed jobs' logs against `log-pattern` (one log per job until one matches).
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
  if (settings.logPattern === undefined) {
    return { rerun: true, reason: reasons.join('; '), attempt }
  }

  const matches = lineMatcher(settings.logPattern)
  const unavailable: string[] = []
  for (const job of failed) {
    try {
      if (await jobLogMatches(octokit, repository, job.id, matches)) {
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
 * Decides for many candidates at once whether a newer run of their group exists, from a listing
 * of every run of the repository created since the oldest candidate, newest first (see
 * `LaterRunsFinder`). The alternative is one listing per workflow and branch with a candidate
 * (`laterRunsPerBranch`, shared by that branch's candidates), so the scan reads on only while the
 * pages it has left are no more than the candidates still undecided. (Bolder rules, such as
 * reading on while pages keep deciding candidates, cost more requests than they save over a range
 * of generated repositories.) When it stops early, and the oldest undecided candidate is newer
 * than where the listing started (or GitHub's 1,000-result cap stopped it), the listing restarts
 * below the last run seen and down to that candidate only: its first page tells the exact count
 * left, and is a page the scan needed anyway. Candidates left undecided, and all of them when the
 * scan fails, are asked per branch by `checkRun`.
 *
 * Endpoint: `GET /repos/{owner}/{repo}/actions/runs?created=>=…` (or `created=…..…`), 100 per page.
 * @returns candidate id → what the listing showed, for the candidates it decided.
 */
async function scanLaterRuns(
  context: Context,
  repository: RepositoryRef,
  candidates: readonly WorkflowRun[]
): Promise<Map<number, LaterRuns>> {
  const { octokit } = context
  const finder = new LaterRunsFinder(candidates)
  // With one branch listing to make, the scan cannot cost less, and that listing is narrower.
  if (finder.branchListings() < 2) return finder.decided
  let upper: string | undefined
  try {
    scan: for (;;) {
      const lowest = oldestOf(finder.pending)
      const pages = octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunsForRepo, {
        ...repository,
        created: upper === undefined ? `>=${lowest.created_at}` : `${lowest.created_at}..${upper}`,
        exclude_pull_requests: true,
        per_page: PER_PAGE
      })
      let listed = 0
      let last: WorkflowRun | undefined
      let restart = false
      for await (const page of pages) {
        const runs = page.data as WorkflowRun[]
        listed += runs.length
        last = runs[runs.length - 1] ?? last
        const total = totalCountOf(page) ?? 0
        const complete = runs.length < PER_PAGE || listed >= total
        finder.observe(runs, complete)
        if (finder.pending.length === 0 || complete) break scan
        const capped = listed >= LISTING_CAP
        if (!capped && Math.ceil((total - listed) / PER_PAGE) <= finder.pending.length) continue
        restart =
          last !== undefined &&
          last.created_at !== upper &&
          (capped ||
            Date.parse(oldestOf(finder.pending).created_at) > Date.parse(lowest.created_at))
        break
      }
      if (!restart || last === undefined) break
      // Inclusive, so runs created in the same second are not missed; duplicates collapse by id.
      upper = last.created_at
    }
  } catch (error) {
    // The per-branch listings still answer, one by one (and report a spent rate limit per run).
    core.info(
      `${fullName(repository)}: listing recent runs failed (${describeApiError(error, context.settings.operation)}); asking per branch instead`
    )
  }
  core.info(
    `${fullName(repository)}: recent runs decided ${finder.decided.size} of ${candidates.length} candidates; ${finder.pending.length} left to ${finder.branchListings()} listings per branch`
  )
  return finder.decided
}

/**
 * Decides every candidate from a complete listing, newest first, of the runs created since the
 * oldest of them (no request).
 */
function laterRunsAmong(
  everyRun: readonly WorkflowRun[],
  candidates: readonly WorkflowRun[]
): Map<number, LaterRuns> {
  const finder = new LaterRunsFinder(candidates)
  finder.observe(everyRun, true)
  return finder.decided
}

/**
 * Asks, for the candidates the scan left undecided, whether a newer run of the same workflow on
 * the same head branch (same head repository) exists, and how each run is now. The failed-run
 * listing cannot tell: a newer run that succeeded or is still running is not in it. One listing
 * per (workflow, head branch), filtered server-side by workflow, branch and `created>=` its oldest
 * candidate, newest first, decides every candidate of that branch (of any head repository), so
 * it is made once, by the first of them checked, and shared. It reads on only until each of them
 * is decided: usually the first page.
 *
 * Endpoint: `GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs?branch=…&created=>=…`.
 * @returns per candidate, a promise of what the listing showed; it rejects with the listing's
 * API error (for every candidate that shares it). Runs without a head branch get `{}`: nothing
 * supersedes them.
 */
function laterRunsPerBranch(
  context: Context,
  repository: RepositoryRef,
  candidates: readonly WorkflowRun[]
): (run: WorkflowRun) => Promise<LaterRuns> {
  const byBranch = new Map<string, WorkflowRun[]>()
  for (const run of candidates) {
    if (!run.head_branch) continue
    const key = branchListingKey(run)
    byBranch.set(key, [...(byBranch.get(key) ?? []), run])
  }
  const listings = new Map<string, Promise<Map<number, LaterRuns>>>()
  return async run => {
    if (!run.head_branch) return {}
    const key = branchListingKey(run)
    let listing = listings.get(key)
    if (listing === undefined) {
      listing = listBranch(context, repository, byBranch.get(key) ?? [run])
      listings.set(key, listing)
    }
    return (await listing).get(run.id) ?? {}
  }
}

/** One listing of the runs of the candidates' workflow and branch since the oldest of them. */
async function listBranch(
  context: Context,
  repository: RepositoryRef,
  candidates: readonly WorkflowRun[]
): Promise<Map<number, LaterRuns>> {
  const oldest = oldestOf(candidates)
  const finder = new LaterRunsFinder(candidates)
  const pages = context.octokit.paginate.iterator(context.octokit.rest.actions.listWorkflowRuns, {
    ...repository,
    workflow_id: oldest.workflow_id,
    branch: oldest.head_branch ?? '',
    created: `>=${oldest.created_at}`,
    exclude_pull_requests: true,
    per_page: PER_PAGE
  })
  let listed = 0
  for await (const page of pages) {
    const runs = page.data as WorkflowRun[]
    listed += runs.length
    const total = totalCountOf(page) ?? 0
    finder.observe(runs, runs.length < PER_PAGE || listed >= total)
    if (finder.pending.length === 0) return finder.decided
  }
  finder.observe([], true)
  return finder.decided
}

/** The run created first (the lowest id among those created the same second). */
function oldestOf(runs: readonly WorkflowRun[]): WorkflowRun {
  return runs.reduce((a, b) => (newestFirst(a, b) > 0 ? a : b))
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

/** The write of a run past the budget, which the mutation boundary never sends. */
async function unchecked(): Promise<string> {
  throw new Error('a re-run past the limit was not checked and must not be sent')
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
 * A re-run whose answer was lost is never sent again once it took effect (`rerunLanded`), so
 * "already running" means someone else re-ran it.
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
