/**
 * review-deployments: approve or reject the pending deployments of waiting workflow runs, or, on a
 * `deployment_protection_rule` event, answer that custom deployment protection rule.
 */
import * as core from '@actions/core'
import { describeApiError, rateLimitResetOf, statusOf } from '../api-errors.js'
import type { ErrorVerdict } from '../mutations.js'
import type { Target } from '../outcomes.js'
import { ACTIVE_STATUSES, listRuns, matchesAny, runIdIn, type WorkflowRun } from '../runs.js'
import {
  blockedAfterReviews,
  describeHistory,
  describeReview,
  parseDeploymentCallbackUrl,
  planReview,
  protectionRulePayload,
  type PendingDeployment,
  type PastReview
} from '../rules/deployment-review.js'
import type { RepositoryRef } from '../settings.js'
import { forEachRepository, fullName, type Handler, type HandlerContext } from './context.js'

type Context = HandlerContext<'review-deployments'>

/** What one invocation keeps across runs and repositories, to know when nothing more may be sent. */
interface Pass {
  context: Context
  /** `rate limit exhausted until …`, once a read or a review was refused for the primary limit. */
  exhausted?: string
  /** Reviews handed to the mutation boundary, each of which spends one unit of `limit`. */
  reviews: number
}

/**
 * On a `deployment_protection_rule` event (direct, or relayed as a `repository_dispatch`): `POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule`
 * for the payload's run and environment. Otherwise, per repository: the run `run-id` (or the
 * triggering run of a `workflow_run` event) or the active runs (`GET /repos/{owner}/{repo}/actions/runs`,
 * one series per active status) with status `waiting`; for each,
 * `GET .../runs/{run_id}/pending_deployments`, one `POST .../runs/{run_id}/pending_deployments` with
 * every approvable matching environment, and `GET .../runs/{run_id}/approvals` for runs that keep
 * waiting on environments this token cannot review. A review GitHub refuses with 422 is looked
 * into again (pending deployments, then the history) to tell a review that took effect but whose
 * answer was lost from one that someone else made meanwhile.
 */
export const reviewDeployments: Handler<'review-deployments'> = async context => {
  const { eventName, payload } = context.settings.runner
  const rule = protectionRulePayload(eventName, payload)
  if (rule) {
    await answerProtectionRule(context, rule)
    return
  }
  const { settings, octokit } = context
  const pass: Pass = { context, reviews: 0 }
  await forEachRepository(context, async repository => {
    if (pass.exhausted) {
      // Listing would only be refused too; the repository is reported, not lost.
      context.results.skip(repositoryTarget(repository), pass.exhausted)
      return
    }
    const runs = await listRuns(
      octokit,
      repository,
      { statuses: ACTIVE_STATUSES },
      settings.filters
    )
    // The server's status=waiting filter has been seen to miss waiting runs: every active run is
    // listed and the status is checked here. A run asked for by id is looked at unless completed.
    const byId = runIdIn(settings.filters, repository) !== undefined
    const waiting = runs.filter(run =>
      byId ? run.status !== 'completed' : run.status === 'waiting'
    )
    core.info(`${fullName(repository)}: ${waiting.length} runs waiting`)
    if (byId && waiting.length === 0 && runs[0]) {
      context.results.skip(runTarget(repository, runs[0]), 'already completed')
    }
    for (const run of waiting) {
      const target = runTarget(repository, run)
      if (pass.exhausted) context.results.skip(target, pass.exhausted)
      else if (pass.reviews >= settings.limit) context.mutations.skipPastLimit(target)
      else await reviewRun(pass, repository, run)
    }
  })
}

/** Reviews the pending deployments of one run: one write for every approvable matching environment. */
async function reviewRun(pass: Pass, repository: RepositoryRef, run: WorkflowRun): Promise<void> {
  const { context } = pass
  const { settings, octokit } = context
  const target = runTarget(repository, run)
  let pending: PendingDeployment[]
  try {
    const { data } = await octokit.rest.actions.getPendingDeploymentsForRun({
      ...repository,
      run_id: run.id
    })
    pending = data.map(toPendingDeployment)
  } catch (error) {
    if (noteRateLimit(pass, error)) {
      context.results.skip(target, pass.exhausted ?? '')
      return
    }
    // One run that cannot be read (deleted meanwhile, say) must not stop the others.
    context.results.add(target, 'failed', describeApiError(error, 'review-deployments'))
    return
  }
  if (pending.length === 0) {
    context.results.skip(
      target,
      run.status === 'waiting'
        ? 'no pending deployments: reviewed, cancelled or completed since it was listed'
        : `no pending deployments (status ${run.status})`
    )
    return
  }
  const plan = planReview(pending, settings.environments, context.now())
  if (plan.review.length === 0 && plan.blocked.length === 0) {
    const names = plan.unmatched.map(deployment => deployment.environment.name).join(', ')
    context.results.skip(
      target,
      `waiting on ${names}, which \`environments\` (${settings.environments.join(', ')}) does not match`
    )
    return
  }
  // A run that keeps waiting on environments this token cannot review: who reviewed what before
  // tells the maintainer what is left. Read before our own review, which would only repeat itself.
  const past =
    plan.blocked.length > 0 ? ((await reviewHistory(pass, repository, run.id)) ?? []) : []
  const history = describeHistory(past)
  if (plan.review.length > 0 && pass.exhausted) {
    context.results.skip(target, pass.exhausted)
  } else if (plan.review.length > 0) {
    const environmentIds = plan.review.map(deployment => deployment.environment.id)
    pass.reviews += 1
    await context.mutations.apply(
      [
        {
          target,
          reason: describeReview(settings.state, plan.review, context.now()),
          send: async () => {
            try {
              await octokit.rest.actions.reviewPendingDeploymentsForRun({
                ...repository,
                run_id: run.id,
                environment_ids: environmentIds,
                state: settings.state,
                comment: settings.comment
              })
              return ''
            } catch (error) {
              noteRateLimit(pass, error)
              if (statusOf(error) !== 422) throw error
              const verdict = await explainRefusal(pass, repository, run.id, plan.review, error)
              if (verdict.outcome === 'done') return ''
              throw new RefusedReview(verdict)
            }
          },
          onError: error => (error instanceof RefusedReview ? error.verdict : undefined)
        }
      ],
      settings.state
    )
  }
  if (plan.blocked.length > 0) {
    const reasons = plan.blocked.map(blocked => blockedAfterReviews(blocked, past, context.now()))
    context.results.skip(target, [...reasons, ...(history ? [history] : [])].join('; '))
  }
}

/** The outcome a refused review (or rule answer) was found to have, carried from `send` to `onError`. */
class RefusedReview extends Error {
  constructor(readonly verdict: NonNullable<ErrorVerdict>) {
    super(verdict.reason)
  }
}

/**
 * Why GitHub refused (422) a review of `reviewed`: reads the run's pending deployments again and,
 * when some of them are gone, its review history. `done` when the history ends with a review
 * just like ours (same state, comment and environments): it is this review, whose answer was lost
 * and whose retry GitHub refused. `skipped` when someone else reviewed them, or the run moved on,
 * meanwhile. `failed` when they still wait: the token is not (or no longer) a required reviewer.
 */
async function explainRefusal(
  pass: Pass,
  repository: RepositoryRef,
  runId: number,
  reviewed: readonly PendingDeployment[],
  error: unknown
): Promise<{ outcome: 'done' } | NonNullable<ErrorVerdict>> {
  const { settings, octokit } = pass.context
  const refused = describeApiError(error, 'review-deployments')
  const names = reviewed.map(deployment => deployment.environment.name)
  let stillPending: Set<number>
  try {
    const { data } = await octokit.rest.actions.getPendingDeploymentsForRun({
      ...repository,
      run_id: runId
    })
    stillPending = new Set(data.map(entry => Number(entry.environment.id)))
  } catch (readError) {
    if (noteRateLimit(pass, readError)) throw readError
    return {
      outcome: 'failed',
      reason: `${refused}; the run could not be read again to tell why (${describeApiError(readError, 'review-deployments')})`
    }
  }
  if (reviewed.every(deployment => stillPending.has(deployment.environment.id))) {
    return {
      outcome: 'failed',
      reason: `${refused}: the token is not a required reviewer of ${names.join(', ')} (or may not review its own run); pass a required reviewer's token in \`github-token\``
    }
  }
  const history = await reviewHistory(pass, repository, runId)
  if (!history) {
    if (pass.exhausted) return { outcome: 'skipped', reason: pass.exhausted }
    return {
      outcome: 'failed',
      reason: `${refused}; the review history could not be read to tell why`
    }
  }
  const latest = [...history]
    .reverse()
    .find(review => review.environments.some(name => names.includes(name)))
  if (
    latest &&
    latest.state === settings.state &&
    latest.comment === settings.comment &&
    sameNames(latest.environments, names)
  ) {
    return { outcome: 'done' }
  }
  if (latest) {
    return {
      outcome: 'skipped',
      reason: `reviewed meanwhile: ${latest.user} ${latest.state} ${latest.environments.join(', ')}`
    }
  }
  return {
    outcome: 'skipped',
    reason: `no longer waiting on ${names.join(', ')}: the run was cancelled or completed meanwhile`
  }
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every(name => b.includes(name))
}

/** Remembers a refusal for the primary rate limit, after which nothing more is sent; true when it was one. */
function noteRateLimit(pass: Pass, error: unknown): boolean {
  const reset = rateLimitResetOf(error)
  if (!reset) return false
  pass.exhausted ??= `rate limit exhausted until ${reset.toISOString()}`
  return true
}

/**
 * `GET .../runs/{run_id}/approvals`, reduced; undefined (and a warning) when it cannot be read,
 * which only costs the summary its history.
 */
async function reviewHistory(
  pass: Pass,
  repository: RepositoryRef,
  runId: number
): Promise<PastReview[] | undefined> {
  const { context } = pass
  try {
    const { data } = await context.octokit.rest.actions.getReviewsForRun({
      ...repository,
      run_id: runId
    })
    return data.map(review => ({
      state: review.state,
      user: review.user.login,
      comment: review.comment,
      environments: review.environments.map(environment => environment.name ?? '')
    }))
  } catch (error) {
    noteRateLimit(pass, error)
    core.warning(
      `${fullName(repository)}: could not read the review history of run ${runId} (${describeApiError(error, 'review-deployments')})`
    )
    return undefined
  }
}

type ApiPendingDeployment = Awaited<
  ReturnType<
    HandlerContext<'review-deployments'>['octokit']['rest']['actions']['getPendingDeploymentsForRun']
  >
>['data'][number]

function toPendingDeployment(entry: ApiPendingDeployment): PendingDeployment {
  return {
    environment: { id: Number(entry.environment.id), name: entry.environment.name ?? '' },
    wait_timer: entry.wait_timer,
    wait_timer_started_at: entry.wait_timer_started_at,
    current_user_can_approve: entry.current_user_can_approve,
    reviewers: entry.reviewers.map(({ reviewer }) => {
      if (reviewer && 'login' in reviewer) return reviewer.login
      if (reviewer && 'slug' in reviewer) return reviewer.slug
      return '?'
    })
  }
}

/** GitHub's limit on the comment of an answer to a custom deployment protection rule (characters). */
const MAX_RULE_COMMENT_LENGTH = 1024

/**
 * Answers the custom deployment protection rule of a `deployment_protection_rule` payload with
 * `POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule`, the repository
 * and run taken from its `deployment_callback_url`. A refusal (422) is looked into with
 * `GET .../runs/{run_id}/pending_deployments` and `GET .../runs/{run_id}`.
 * @throws Error when the payload has no usable `deployment_callback_url` or `environment`, when
 *   its `repository` is not the callback's, or when `comment` is longer than GitHub takes.
 */
async function answerProtectionRule(
  context: Context,
  payload: Record<string, unknown>
): Promise<void> {
  const { settings, octokit } = context
  const callback = parseDeploymentCallbackUrl(payload.deployment_callback_url)
  if (!callback) {
    throw new Error(
      `The deployment_protection_rule event payload has no deployment_callback_url of the form …/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule (got ${JSON.stringify(payload.deployment_callback_url ?? null)}); pass the payload GitHub sends to the app that owns the rule, as it came.`
    )
  }
  const environment = payload.environment
  if (typeof environment !== 'string' || environment === '') {
    throw new Error(
      `The deployment_protection_rule event payload names no environment (got ${JSON.stringify(environment ?? null)}).`
    )
  }
  // The callback URL is the run GitHub asks about; a relayed payload's `repository` is only a
  // claim, and letting it win would answer another repository's run of the same number.
  const repository: RepositoryRef = { owner: callback.owner, repo: callback.repo }
  const name = fullName(repository)
  const claimed = repositoryNameOfPayload(payload)
  if (claimed !== undefined && claimed.toLowerCase() !== name.toLowerCase()) {
    throw new Error(
      `The deployment_protection_rule event payload names repository ${claimed}, but its deployment_callback_url is for ${name} (run ${callback.runId}); nothing was answered. Relay the payload GitHub sent, unchanged.`
    )
  }
  // Counted in characters (code points), not UTF-16 units, like GitHub.
  const commentLength = [...settings.comment].length
  if (commentLength > MAX_RULE_COMMENT_LENGTH) {
    throw new Error(
      `Invalid comment: ${commentLength} characters; GitHub takes at most ${MAX_RULE_COMMENT_LENGTH} in an answer to a deployment protection rule. Shorten \`comment\` (e.g. link to the change ticket instead of quoting it).`
    )
  }
  const target: Target = {
    repository: name,
    kind: 'run',
    id: callback.runId,
    action: 'review-protection-rule',
    url: `${settings.runner.serverUrl}/${name}/actions/runs/${callback.runId}`
  }
  if (settings.environments.length > 0 && !matchesAny(environment, settings.environments)) {
    context.results.skip(
      target,
      `environment ${environment} does not match \`environments\` (${settings.environments.join(', ')})`
    )
    return
  }
  const reason = `${settings.state} ${environment} (custom deployment protection rule)`
  await context.mutations.apply(
    [
      {
        target,
        reason,
        send: async () => {
          try {
            await octokit.rest.actions.reviewCustomGatesForRun({
              ...repository,
              run_id: callback.runId,
              environment_name: environment,
              state: settings.state,
              comment: settings.comment
            })
            return ''
          } catch (error) {
            if (statusOf(error) !== 422) throw error
            const verdict = await explainRuleRefusal(
              context,
              repository,
              callback.runId,
              environment,
              error
            )
            if (verdict.outcome === 'done') return `${reason}; ${verdict.reason}`
            throw new RefusedReview(
              verdict.outcome === 'skipped'
                ? { outcome: 'skipped', reason: `${reason}; ${verdict.reason}` }
                : verdict
            )
          }
        },
        onError: error => (error instanceof RefusedReview ? error.verdict : notTheRuleOwner(error))
      }
    ],
    settings.state
  )
}

/**
 * Why GitHub refused (422) an answer to the rule on `environment`: a refused answer is either
 * one the app may not give, or a repeat of one GitHub applied already (the first attempt's reply
 * was lost and the client retried it), or one that came after the run moved on. Reads the run's
 * pending deployments and, when `environment` no longer waits, the run.
 * @returns `done` when `environment` no longer waits and the run is where this answer leaves it;
 *   `skipped` when the run moved on otherwise (or cannot be read: nothing is left to answer);
 *   `failed` when it still waits or cannot be read again.
 */
async function explainRuleRefusal(
  context: Context,
  repository: RepositoryRef,
  runId: number,
  environment: string,
  error: unknown
): Promise<
  { outcome: 'done'; reason: string } | { outcome: 'skipped' | 'failed'; reason: string }
> {
  const { settings, octokit } = context
  const refused = describeApiError(error, 'review-deployments')
  const notOwner = notTheRuleOwner(error)?.reason ?? refused
  let waiting: ApiPendingDeployment | undefined
  try {
    const { data } = await octokit.rest.actions.getPendingDeploymentsForRun({
      ...repository,
      run_id: runId
    })
    waiting = data.find(
      entry => (entry.environment.name ?? '').toLowerCase() === environment.toLowerCase()
    )
  } catch (readError) {
    return {
      outcome: 'failed',
      reason: `${notOwner}; the run could not be read again to tell whether an earlier answer landed (${describeApiError(readError, 'review-deployments')})`
    }
  }
  if (waiting) {
    // An environment that also has required reviewers keeps waiting for them after the rule
    // is answered, so a lost reply looks the same as a refusal here.
    const reviewers = toPendingDeployment(waiting).reviewers
    return {
      outcome: 'failed',
      reason:
        reviewers.length > 0
          ? `${notOwner} (${environment} also waits for its required reviewers, ${reviewers.join(', ')}: if an earlier answer landed, only they are left)`
          : notOwner
    }
  }
  let run: { status: string | null; conclusion: string | null } | undefined
  try {
    run = (await octokit.rest.actions.getWorkflowRun({ ...repository, run_id: runId })).data
  } catch (readError) {
    core.warning(
      `${fullName(repository)}: could not read run ${runId} (${describeApiError(readError, 'review-deployments')})`
    )
  }
  if (!run) {
    return {
      outcome: 'skipped',
      reason: `${environment} no longer waits: the rule was answered already or the run moved on, and GitHub refused the answer (${refused})`
    }
  }
  // What our answer would have left: an approval lets the run go on, a rejection fails it.
  const ours =
    settings.state === 'approved'
      ? run.status !== 'completed'
      : run.status === 'completed' && run.conclusion === 'failure'
  if (ours) {
    return {
      outcome: 'done',
      reason: `${environment} no longer waits: the rule was answered already (this answer, whose reply was lost, or an earlier one), and GitHub refused the repeat (${refused})`
    }
  }
  return {
    outcome: 'skipped',
    reason: `${environment} no longer waits: the run moved on (${run.status ?? 'unknown'}, ${run.conclusion ?? 'no conclusion'}), and GitHub refused the answer (${refused})`
  }
}

/**
 * GitHub refuses an answer from anyone but the app that owns the rule: 403, 404, or a 422 while
 * the environment still waits (a 422 for one that no longer waits never gets here).
 */
function notTheRuleOwner(error: unknown): ErrorVerdict {
  const status = statusOf(error)
  if (status !== 403 && status !== 404 && status !== 422) return undefined
  return {
    outcome: 'failed',
    reason: `${describeApiError(error, 'review-deployments')}: only the GitHub App that owns the deployment protection rule may answer it; pass that app's installation token (e.g. from actions/create-github-app-token) in \`github-token\``
  }
}

/** The payload's `repository.full_name`, when it has one. */
function repositoryNameOfPayload(payload: Record<string, unknown>): string | undefined {
  const repository = payload.repository as { full_name?: unknown } | undefined
  return typeof repository?.full_name === 'string' ? repository.full_name : undefined
}

function repositoryTarget(repository: RepositoryRef): Target {
  const name = fullName(repository)
  return { repository: name, kind: 'repository', id: name, action: 'list', url: '' }
}

function runTarget(repository: RepositoryRef, run: WorkflowRun): Target {
  return {
    repository: fullName(repository),
    kind: 'run',
    id: run.id,
    action: 'review',
    url: run.html_url
  }
}
