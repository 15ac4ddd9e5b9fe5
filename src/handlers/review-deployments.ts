/**
 * review-deployments: approve or reject the pending deployments of waiting workflow runs, or, on a
 * `deployment_protection_rule` event, answer that custom deployment protection rule.
 */
import * as core from '@actions/core'
import { describeApiError, statusOf } from '../api-errors.js'
import type { ErrorVerdict } from '../mutations.js'
import type { Target } from '../outcomes.js'
import { ACTIVE_STATUSES, listRuns, matchesAny, type WorkflowRun } from '../runs.js'
import {
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

/**
 * On a `deployment_protection_rule` event (direct, or relayed as a `repository_dispatch`): `POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule`
 * for the payload's run and environment. Otherwise, per repository: the run `run-id` (or the
 * triggering run of a `workflow_run` event) or the active runs (`GET /repos/{owner}/{repo}/actions/runs`,
 * one series per active status) with status `waiting`; for each,
 * `GET .../runs/{run_id}/pending_deployments`, one `POST .../runs/{run_id}/pending_deployments` with
 * every approvable matching environment, and `GET .../runs/{run_id}/approvals` for runs that keep
 * waiting on environments this token cannot review.
 */
export const reviewDeployments: Handler<'review-deployments'> = async context => {
  const { eventName, payload } = context.settings.runner
  const rule = protectionRulePayload(eventName, payload)
  if (rule) {
    await answerProtectionRule(context, rule)
    return
  }
  const { settings, octokit } = context
  await forEachRepository(context, async repository => {
    const runs = await listRuns(
      octokit,
      repository,
      { statuses: ACTIVE_STATUSES },
      settings.filters
    )
    // The server's status=waiting filter has been seen to miss waiting runs: every active run is
    // listed and the status is checked here. A run asked for by id is looked at unless completed.
    const byId = settings.filters.runId !== undefined
    const waiting = runs.filter(run =>
      byId ? run.status !== 'completed' : run.status === 'waiting'
    )
    core.info(`${fullName(repository)}: ${waiting.length} runs waiting`)
    if (byId && waiting.length === 0 && runs[0]) {
      context.results.skip(runTarget(repository, runs[0]), 'already completed')
    }
    for (const run of waiting) await reviewRun(context, repository, run)
  })
}

/** Reviews the pending deployments of one run: one write for every approvable matching environment. */
async function reviewRun(
  context: Context,
  repository: RepositoryRef,
  run: WorkflowRun
): Promise<void> {
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
    // One run that cannot be read (deleted meanwhile, say) must not stop the others.
    context.results.add(target, 'failed', describeApiError(error, 'review-deployments'))
    return
  }
  if (pending.length === 0) {
    context.results.skip(target, `no pending deployments (status ${run.status})`)
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
  const history =
    plan.blocked.length > 0 ? describeHistory(await reviewHistory(context, repository, run.id)) : ''
  if (plan.review.length > 0) {
    const environmentIds = plan.review.map(deployment => deployment.environment.id)
    await context.mutations.apply(
      [
        {
          target,
          reason: describeReview(settings.state, plan.review, context.now()),
          send: async () => {
            await octokit.rest.actions.reviewPendingDeploymentsForRun({
              ...repository,
              run_id: run.id,
              environment_ids: environmentIds,
              state: settings.state,
              comment: settings.comment
            })
            return ''
          },
          onError: notReviewable
        }
      ],
      settings.state
    )
  }
  if (plan.blocked.length > 0) {
    const reasons = plan.blocked.map(blocked => blocked.reason)
    context.results.skip(target, [...reasons, ...(history ? [history] : [])].join('; '))
  }
}

/** A 422 on review: the token is not (or no longer) a required reviewer of these deployments. */
function notReviewable(error: unknown): ErrorVerdict {
  if (statusOf(error) !== 422) return undefined
  return {
    outcome: 'failed',
    reason: `${describeApiError(error, 'review-deployments')}: the deployments were reviewed meanwhile, or the token is not a required reviewer of them; pass a required reviewer's token in \`github-token\``
  }
}

/** `GET .../runs/{run_id}/approvals`, reduced; a failure only costs the summary its history. */
async function reviewHistory(
  context: Context,
  repository: RepositoryRef,
  runId: number
): Promise<PastReview[]> {
  try {
    const { data } = await context.octokit.rest.actions.getReviewsForRun({
      ...repository,
      run_id: runId
    })
    return data.map(review => ({
      state: review.state,
      user: review.user.login,
      environments: review.environments.map(environment => environment.name ?? '')
    }))
  } catch (error) {
    core.warning(
      `${fullName(repository)}: could not read the review history of run ${runId} (${describeApiError(error, 'review-deployments')})`
    )
    return []
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

/**
 * Answers the custom deployment protection rule of a `deployment_protection_rule` payload with
 * `POST /repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule`.
 * @throws Error when the payload has no usable `deployment_callback_url` or `environment`.
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
  const repository = repositoryOfPayload(payload) ?? callback
  const name = fullName(repository)
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
  await context.mutations.apply(
    [
      {
        target,
        reason: `${settings.state} ${environment} (custom deployment protection rule)`,
        send: async () => {
          await octokit.rest.actions.reviewCustomGatesForRun({
            owner: repository.owner,
            repo: repository.repo,
            run_id: callback.runId,
            environment_name: environment,
            state: settings.state,
            comment: settings.comment
          })
          return ''
        },
        onError: error => notTheRuleOwner(error)
      }
    ],
    settings.state
  )
}

/** GitHub refuses an answer from anyone but the app that owns the rule: 403, 404 or 422. */
function notTheRuleOwner(error: unknown): ErrorVerdict {
  const status = statusOf(error)
  if (status !== 403 && status !== 404 && status !== 422) return undefined
  return {
    outcome: 'failed',
    reason: `${describeApiError(error, 'review-deployments')}: only the GitHub App that owns the deployment protection rule may answer it; pass that app's installation token (e.g. from actions/create-github-app-token) in \`github-token\``
  }
}

function repositoryOfPayload(payload: Record<string, unknown>): RepositoryRef | undefined {
  const repository = payload.repository as { full_name?: unknown } | undefined
  const [owner, repo, ...rest] =
    typeof repository?.full_name === 'string' ? repository.full_name.split('/') : []
  return owner && repo && rest.length === 0 ? { owner, repo } : undefined
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
