/**
 * review-deployments: approve or reject the pending deployments of waiting workflow runs. On a
 * `deployment_protection_rule` event (direct, or relayed as a `repository_dispatch`) the handler
 * answers that custom deployment protection rule instead (answer-protection-rule.ts).
 *
 * REST endpoints, per repository:
 * - the run `run-id` (or the triggering run of a `workflow_run` event), `GET .../runs/{run_id}`;
 *   else `GET /repos/{owner}/{repo}/actions/runs?created=>=…` (or `.../workflows/{workflow_id}/runs`),
 *   every run that can still be waiting, without a status filter;
 * - per waiting run `GET .../runs/{run_id}/pending_deployments`, and `GET .../runs/{run_id}/approvals`
 *   when it waits on environments this token cannot review;
 * - one `POST .../runs/{run_id}/pending_deployments` with every approvable matching environment,
 *   sent once; after a lost answer, or a refusal (422), the pending deployments and the review
 *   history tell whether it took effect or someone else reviewed meanwhile.
 */
import { log } from '../../log.js'
import { describeApiError, statusOf } from '../../boundary/api-errors.js'
import type { WorkflowRun } from '../../readers/api-types.js'
import { SEND_ONCE } from '../../boundary/client.js'
import { readPendingDeployments, readReviewHistory } from '../../readers/deployments.js'
import { ENVIRONMENT_WAIT_SECONDS, RERUN_WINDOW_SECONDS } from '../../github-limits.js'
import type { ErrorVerdict, PlannedWrite } from '../../boundary/mutations.js'
import type { Target } from '../../boundary/outcomes.js'
import {
  blockedAfterReviews,
  describeHistory,
  describeReview,
  planReview,
  protectionRulePayload,
  type PendingDeployment,
  type PastReview
} from './rules.js'
import { listRuns, runIdIn } from '../../readers/runs.js'
import type { RepositoryRef } from '../../settings.js'
import { answerProtectionRule } from './protection-rule.js'
import {
  forEachRepository,
  fullName,
  runTarget,
  type Handler,
  type HandlerContext
} from '../context.js'

type Context = HandlerContext<'review-deployments'>

/**
 * How old a waiting run can be (seconds): a run is re-run at most 30 days after it was created,
 * and a job waiting on an environment fails after 30 days; `created_at` stays the first attempt's.
 */
const WAITING_RUN_MAX_AGE_SECONDS = RERUN_WINDOW_SECONDS + ENVIRONMENT_WAIT_SECONDS

/**
 * Reviews the waiting runs of each repository, newest first, or answers the protection rule of a
 * `deployment_protection_rule` payload. GitHub's `status=waiting` filter has been seen to return
 * nothing while runs wait, so every run created within `WAITING_RUN_MAX_AGE_SECONDS` is listed
 * (server-side `created>=` and the run filters; one request when they fit on a page) and the
 * status is checked here. Each run gets one result: reviewed, or skipped with why, both facts in
 * one reason when it waits on environments this token may and may not review.
 */
export const reviewDeployments: Handler<'review-deployments'> = async context => {
  const { eventName, payload } = context.settings.runner
  const rule = protectionRulePayload(eventName, payload)
  if (rule) {
    await answerProtectionRule(context, rule)
    return
  }
  const { settings, octokit, mutations } = context
  const createdAfter = new Date(context.now().getTime() - WAITING_RUN_MAX_AGE_SECONDS * 1000)
  await forEachRepository(context, async repository => {
    const runs = await listRuns(octokit, repository, { createdAfter }, settings.filters)
    // A run asked for by id is looked at unless completed.
    const byId = runIdIn(settings.filters, repository) !== undefined
    const waiting = runs.filter(run =>
      byId ? run.status !== 'completed' : run.status === 'waiting'
    )
    log.info(`${fullName(repository)}: ${runs.length} runs listed, ${waiting.length} waiting`)
    if (byId && waiting.length === 0 && runs[0]) {
      context.results.skip(target(repository, runs[0]), 'already completed')
    }
    for (const run of waiting) {
      if (mutations.canRead()) await reviewRun(context, repository, run)
      else mutations.skipStopped(target(repository, run), 'read')
    }
  })
}

/**
 * Reviews the pending deployments of one run: one write for every approvable matching
 * environment, and one result for the run. Its pending deployments are read even past the `limit`
 * budget: a run that would not be reviewed keeps its own reason, and only a run that would be gets
 * `limit reached`.
 */
async function reviewRun(
  context: Context,
  repository: RepositoryRef,
  run: WorkflowRun
): Promise<void> {
  const { settings, octokit, mutations, results } = context
  let pending: PendingDeployment[]
  try {
    pending = await readPendingDeployments(octokit, repository, run.id)
  } catch (error) {
    const stopped = mutations.stoppedBy(error)
    // One run that cannot be read (deleted meanwhile, say) must not stop the others.
    if (stopped !== undefined) results.skip(target(repository, run), stopped)
    else
      results.add(target(repository, run), 'failed', describeApiError(error, 'review-deployments'))
    return
  }
  if (pending.length === 0) {
    results.skip(
      target(repository, run),
      run.status === 'waiting'
        ? 'no pending deployments: reviewed, cancelled or completed since it was listed'
        : `no pending deployments (status ${run.status})`
    )
    return
  }
  const plan = planReview(pending, settings.environments, context.now())
  if (plan.review.length === 0 && plan.blocked.length === 0) {
    const names = plan.unmatched.map(deployment => deployment.environment.name).join(', ')
    results.skip(
      target(repository, run),
      `waiting on ${names}, which \`environments\` (${settings.environments.join(', ')}) does not match`
    )
    return
  }
  const stop = plan.review.length > 0 ? mutations.stopReason() : undefined
  // What holds the environments this token cannot review. Who reviewed what before tells the
  // maintainer what is left: read before our own review, which would only repeat itself, and not
  // for a run the invocation stopped before.
  let left: string | undefined
  if (plan.blocked.length > 0) {
    const past =
      stop === undefined && mutations.canRead() ? await reviewsSoFar(context, repository, run) : []
    const soFar = describeHistory(past)
    left = [
      ...plan.blocked.map(blocked => blockedAfterReviews(blocked, past, context.now())),
      ...(soFar ? [soFar] : [])
    ].join('; ')
  }
  if (plan.review.length === 0) {
    results.skip(target(repository, run), left ?? '')
    return
  }
  const [result] =
    stop === undefined
      ? await mutations.apply([reviewWrite(context, repository, run, plan.review)], settings.state)
      : [mutations.skipStopped(target(repository, run))]
  if (result && left) results.update(result, { reason: `${result.reason}; ${left}` })
}

/**
 * The review of `reviewed` (approvable, matching) in one call, sent once. After a lost answer
 * (5xx, dropped connection, timeout) `lookBack` tells whether it took effect; a refusal (422) is
 * explained the same way.
 */
function reviewWrite(
  context: Context,
  repository: RepositoryRef,
  run: WorkflowRun,
  reviewed: PendingDeployment[]
): PlannedWrite {
  const { settings, octokit } = context
  return {
    target: target(repository, run),
    reason: describeReview(settings.state, reviewed, context.now()),
    send: async () => {
      try {
        await octokit.rest.actions.reviewPendingDeploymentsForRun({
          ...repository,
          run_id: run.id,
          environment_ids: reviewed.map(deployment => deployment.environment.id),
          state: settings.state,
          comment: settings.comment,
          ...SEND_ONCE
        })
        return ''
      } catch (error) {
        if (statusOf(error) !== 422) throw error
        throw new RefusedReview(await explainRefusal(context, repository, run.id, reviewed, error))
      }
    },
    landed: async () => {
      const found = await lookBack(context, repository, run.id, reviewed)
      if (found.kind === 'pending') return false
      if (found.kind === 'reviewed' && found.ours) return true
      throw new RefusedReview(movedOn(found))
    },
    onError: error => (error instanceof RefusedReview ? error.verdict : undefined)
  }
}

/** The outcome a refused or lost review was found to have, carried to `onError`. */
class RefusedReview extends Error {
  constructor(readonly verdict: NonNullable<ErrorVerdict>) {
    super(verdict.reason)
  }
}

/** What reading a run back shows of a review of some of its environments. */
type LookBack =
  | { kind: 'pending' }
  | { kind: 'reviewed'; review: PastReview; ours: boolean }
  | { kind: 'gone'; names: string[] }

/**
 * Reads the run back after a review of `reviewed`: `pending` when every one of them still waits
 * (nothing took effect); else the latest review of them in the history, `ours` when it is just
 * like this one (same state, comment and environments); else `gone` (cancelled or completed).
 *
 * Calls `GET .../runs/{run_id}/pending_deployments`, then `GET .../runs/{run_id}/approvals`.
 * @throws the API error of either read.
 */
async function lookBack(
  context: Context,
  repository: RepositoryRef,
  runId: number,
  reviewed: readonly PendingDeployment[]
): Promise<LookBack> {
  const { settings, octokit } = context
  const names = reviewed.map(deployment => deployment.environment.name)
  const stillPending = new Set(
    (await readPendingDeployments(octokit, repository, runId)).map(entry => entry.environment.id)
  )
  if (reviewed.every(deployment => stillPending.has(deployment.environment.id))) {
    return { kind: 'pending' }
  }
  const past = await readReviewHistory(octokit, repository, runId)
  const latest = [...past]
    .reverse()
    .find(review => review.environments.some(name => names.includes(name)))
  if (!latest) return { kind: 'gone', names }
  const ours =
    latest.state === settings.state &&
    latest.comment === settings.comment &&
    latest.environments.length === names.length &&
    latest.environments.every(name => names.includes(name))
  return { kind: 'reviewed', review: latest, ours }
}

/** The skip of a run whose environments someone reviewed, or that moved on, meanwhile. */
function movedOn(found: Exclude<LookBack, { kind: 'pending' }>): NonNullable<ErrorVerdict> {
  if (found.kind === 'gone') {
    return {
      outcome: 'skipped',
      reason: `no longer waiting on ${found.names.join(', ')}: the run was cancelled or completed meanwhile`
    }
  }
  const { review } = found
  return {
    outcome: 'skipped',
    reason: `reviewed meanwhile: ${review.user} ${review.state} ${review.environments.join(', ')}`
  }
}

/**
 * Why GitHub refused (422) a review of `reviewed`, from reading the run back (`lookBack`):
 * `failed` when they still wait (the token is not, or no longer, a required reviewer); `skipped`
 * when someone reviewed them (even with a review just like this one: this one was sent once and
 * refused), or the run moved on, meanwhile.
 * @throws the read's error when it met the spent primary rate limit (the run is then skipped).
 */
async function explainRefusal(
  context: Context,
  repository: RepositoryRef,
  runId: number,
  reviewed: readonly PendingDeployment[],
  error: unknown
): Promise<NonNullable<ErrorVerdict>> {
  const refused = describeApiError(error, 'review-deployments')
  let found: LookBack
  try {
    found = await lookBack(context, repository, runId, reviewed)
  } catch (readError) {
    if (context.mutations.stoppedBy(readError) !== undefined) throw readError
    return {
      outcome: 'failed',
      reason: `${refused}; the run could not be read again to tell why (${describeApiError(readError, 'review-deployments')})`
    }
  }
  if (found.kind !== 'pending') return movedOn(found)
  const names = reviewed.map(deployment => deployment.environment.name)
  return {
    outcome: 'failed',
    reason: `${refused}: the token is not a required reviewer of ${names.join(', ')} (or may not review its own run); pass a required reviewer's token in \`github-token\``
  }
}

/**
 * The run's review history; empty (and a warning) when it cannot be read, which only costs the
 * reason its history.
 */
async function reviewsSoFar(
  context: Context,
  repository: RepositoryRef,
  run: WorkflowRun
): Promise<PastReview[]> {
  try {
    return await readReviewHistory(context.octokit, repository, run.id)
  } catch (error) {
    context.mutations.stoppedBy(error)
    log.warning(
      `${fullName(repository)}: could not read the review history of run ${run.id} (${describeApiError(error, 'review-deployments')})`
    )
    return []
  }
}

const target = (repository: RepositoryRef, run: WorkflowRun): Target =>
  runTarget(repository, run, 'review')
