/**
 * Environments and deployment reviews: the pending deployments of waiting runs (required
 * reviewers, wait timers, custom deployment protection rules), reviews by required reviewers,
 * answers of the GitHub App that owns a protection rule, and the review history.
 *
 * A pending deployment clears once every gate of its environment passed: its required reviewers
 * (one approval) and its app's protection rule. A run goes on (`in_progress`) when none is left;
 * any rejection completes it as `failure`. Wait timers are reported, not enforced.
 */
import { forbiddenMessage, type Caller } from '../auth.js'
import { presentUser } from '../present.js'
import { errorResponse, type ApiResponse } from '../responses.js'
import { json, numericParam, type HandlerContext, type Router } from '../router.js'
import type { ScenarioEnvironment } from '../environments.js'
import { isoSeconds, stableId, type RepositoryState, type RunState } from '../state.js'
import { completeRun, findRun } from './runs.js'

const REVIEW_DOCS =
  'https://docs.github.com/rest/actions/workflow-runs#review-pending-deployments-for-a-workflow-run'
const CUSTOM_GATES_DOCS =
  'https://docs.github.com/rest/actions/workflow-runs#review-custom-deployment-protection-rules-for-a-workflow-run'

/** One environment a waiting run waits on, and which of its gates passed already. */
export interface ScenarioPendingDeployment {
  /** Environment name (one of the repository's `environments`). */
  environment: string
  /** When the wait timer started (ISO 8601); default the run's `created_at` when it has a timer. */
  wait_timer_started_at?: string
  /** A required reviewer approved. */
  reviewers_approved?: boolean
  /** The protection rule's app approved. */
  rule_approved?: boolean
}

/** One entry of a run's review history (`GET .../approvals`). */
export interface ScenarioApproval {
  environments: string[]
  state: 'approved' | 'rejected'
  /** Login of the reviewer. */
  user: string
  comment: string
}

/** An answer to a custom protection rule (kept for tests; GitHub shows them on the run's page). */
export interface ScenarioRuleAnswer {
  environment: string
  /** Absent for a status report (a comment only). */
  state?: 'approved' | 'rejected'
  comment: string
  /** Login of the app that answered. */
  app: string
}

declare module '../scenario.js' {
  interface ScenarioRepository {
    /**
     * `misses-waiting-runs` simulates GitHub's unreliable `status=waiting` filter: it returns
     * nothing. No other status filter lists waiting runs either; a listing without a status
     * filter shows them, with status `waiting`.
     */
    waiting_filter?: 'works' | 'misses-waiting-runs'
  }
  interface ScenarioRun {
    /** For a `waiting` run: the environments it waits on. */
    pending_deployments?: ScenarioPendingDeployment[]
    /** Review history, oldest first. */
    approvals?: ScenarioApproval[]
    protection_rule_answers?: ScenarioRuleAnswer[]
  }
}

/** Registers the deployment review endpoints on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/get-pending-deployments-for-run', ctx => {
    const repo = ctx.repository()
    const run = findRun(repo, numericParam(ctx, 'run_id'))
    return json(pendingOf(run).map(pending => presentPending(ctx, repo, run, pending, ctx.caller)))
  })
  router.register('actions/review-pending-deployments-for-run', reviewPending)
  router.register('actions/get-reviews-for-run', ctx => {
    const repo = ctx.repository()
    const run = findRun(repo, numericParam(ctx, 'run_id'))
    return json(
      (run.approvals ?? []).map(review => ({
        // The history's environments carry timestamps; the pending list's do not.
        environments: review.environments.map(name => ({
          ...presentEnvironment(ctx, repo, name),
          created_at: '2024-01-01T00:00:00Z',
          updated_at: '2024-01-01T00:00:00Z'
        })),
        state: review.state,
        user: presentUser(review.user, ctx.apiBase),
        comment: review.comment
      }))
    )
  })
  router.register('actions/review-custom-gates-for-run', reviewCustomGate)
}

/** The environment of `repo` named `name` (case-insensitive, like GitHub), if any. */
export function findEnvironment(
  repo: RepositoryState,
  name: string
): ScenarioEnvironment | undefined {
  return repo.environments?.find(env => env.name.toLowerCase() === name.toLowerCase())
}

/** An environment's id: the scenario's, else one derived from the repository and the name. */
export function environmentId(
  repo: RepositoryState,
  name: string,
  env: ScenarioEnvironment | undefined
): number {
  return env?.id ?? stableId(`${repo.owner}/${repo.name}:${name}`)
}

function pendingOf(run: RunState): ScenarioPendingDeployment[] {
  return run.status === 'waiting' ? (run.pending_deployments ?? []) : []
}

function presentEnvironment(
  ctx: HandlerContext,
  repo: RepositoryState,
  name: string
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`
  const env = findEnvironment(repo, name)
  const id = environmentId(repo, env?.name ?? name, env)
  return {
    id,
    node_id: `EN_${Buffer.from(String(id)).toString('base64url')}`,
    name: env?.name ?? name,
    url: `${ctx.apiBase}/repos/${full}/environments/${encodeURIComponent(name)}`,
    html_url: `https://github.com/${full}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`
  }
}

function needsReview(env: ScenarioEnvironment | undefined): boolean {
  return (env?.reviewers ?? []).length > 0
}

/** Why `caller` may not approve `pending` now, or undefined when it may. */
function whyNotApprovable(
  caller: Caller,
  repo: RepositoryState,
  run: RunState,
  pending: ScenarioPendingDeployment
): string | undefined {
  const env = findEnvironment(repo, pending.environment)
  const login = caller.info.login
  if (!needsReview(env) || pending.reviewers_approved) {
    return `Environment ${pending.environment} is not waiting for a review in this workflow run`
  }
  const reviewers = (env?.reviewers ?? []).map(reviewer => reviewer.toLowerCase())
  if (caller.info.kind !== 'user' || !reviewers.includes(login.toLowerCase())) {
    return `${login} is not a required reviewer of environment ${pending.environment}`
  }
  if (env?.prevent_self_review && login.toLowerCase() === run.triggering_actor.toLowerCase()) {
    return `${login} triggered this workflow run and environment ${pending.environment} prevents self-review`
  }
  return undefined
}

function presentPending(
  ctx: HandlerContext,
  repo: RepositoryState,
  run: RunState,
  pending: ScenarioPendingDeployment,
  caller: Caller
): Record<string, unknown> {
  const env = findEnvironment(repo, pending.environment)
  const waitTimer = env?.wait_timer ?? 0
  return {
    environment: presentEnvironment(ctx, repo, pending.environment),
    wait_timer: waitTimer,
    wait_timer_started_at: waitTimer > 0 ? (pending.wait_timer_started_at ?? run.created_at) : null,
    current_user_can_approve: whyNotApprovable(caller, repo, run, pending) === undefined,
    reviewers: (env?.reviewers ?? []).map(login => ({
      type: 'User',
      reviewer: presentUser(login, ctx.apiBase)
    }))
  }
}

function reviewPending(ctx: HandlerContext): ApiResponse {
  const repo = ctx.repository()
  const run = findRun(repo, numericParam(ctx, 'run_id'))
  const body = ctx.body as {
    environment_ids: number[]
    state: 'approved' | 'rejected'
    comment: string
  }
  // Only a person can be a required reviewer; an app's or the workflow's token never can.
  if (ctx.caller.info.kind !== 'user') {
    return errorResponse(403, forbiddenMessage(ctx.caller), REVIEW_DOCS)
  }
  const pending = pendingOf(run)
  const chosen: ScenarioPendingDeployment[] = []
  for (const id of new Set(body.environment_ids)) {
    const match = pending.find(
      entry =>
        environmentId(repo, entry.environment, findEnvironment(repo, entry.environment)) === id
    )
    if (!match) {
      return errorResponse(
        422,
        `Environment ${id} has no pending deployment in workflow run ${run.id}`,
        REVIEW_DOCS
      )
    }
    const why = whyNotApprovable(ctx.caller, repo, run, match)
    if (why) return errorResponse(422, why, REVIEW_DOCS)
    chosen.push(match)
  }
  if (chosen.length === 0) {
    return errorResponse(422, 'environment_ids must name at least one environment', REVIEW_DOCS)
  }
  const names = chosen.map(entry => entry.environment)
  run.approvals = [
    ...(run.approvals ?? []),
    { environments: names, state: body.state, user: ctx.caller.info.login, comment: body.comment }
  ]
  if (body.state === 'rejected') {
    reject(run, ctx.now())
  } else {
    for (const entry of chosen) entry.reviewers_approved = true
    releaseCleared(repo, run, ctx.now())
  }
  return json(chosen.map(entry => presentDeployment(ctx, repo, run, entry.environment)))
}

function reviewCustomGate(ctx: HandlerContext): ApiResponse {
  const repo = ctx.repository()
  const run = findRun(repo, numericParam(ctx, 'run_id'))
  const body = ctx.body as {
    environment_name: string
    state?: 'approved' | 'rejected'
    comment?: string
  }
  // GitHub Apps can only review their own rules; other tokens are refused outright.
  if (ctx.caller.info.kind !== 'app') {
    return errorResponse(403, forbiddenMessage(ctx.caller), CUSTOM_GATES_DOCS)
  }
  const app = ctx.caller.info.login
  const entry = pendingOf(run).find(
    pending => pending.environment.toLowerCase() === body.environment_name.toLowerCase()
  )
  const env = entry && findEnvironment(repo, entry.environment)
  if (!entry || !env || env.protection_rule_app !== app || entry.rule_approved) {
    return errorResponse(
      422,
      `No deployment protection rule of ${app} is waiting on environment ${body.environment_name} in workflow run ${run.id}`,
      CUSTOM_GATES_DOCS
    )
  }
  run.protection_rule_answers = [
    ...(run.protection_rule_answers ?? []),
    {
      environment: entry.environment,
      ...(body.state !== undefined && { state: body.state }),
      comment: body.comment ?? '',
      app
    }
  ]
  if (body.state === 'rejected') {
    reject(run, ctx.now())
  } else if (body.state === 'approved') {
    entry.rule_approved = true
    releaseCleared(repo, run, ctx.now())
  }
  return { status: 204 }
}

/** Drops the pending deployments whose every gate passed; the run goes on when none is left. */
function releaseCleared(repo: RepositoryState, run: RunState, now: Date): void {
  run.pending_deployments = (run.pending_deployments ?? []).filter(entry => {
    const env = findEnvironment(repo, entry.environment)
    const reviewed = !needsReview(env) || entry.reviewers_approved === true
    const ruled = env?.protection_rule_app === undefined || entry.rule_approved === true
    return !(reviewed && ruled)
  })
  run.updated_at = isoSeconds(now)
  if (run.pending_deployments.length === 0) run.status = 'in_progress'
}

/** A rejected deployment fails the job that waited on it, and with it the run. */
function reject(run: RunState, now: Date): void {
  run.pending_deployments = []
  completeRun(run, 'failure', now)
}

function presentDeployment(
  ctx: HandlerContext,
  repo: RepositoryState,
  run: RunState,
  environment: string
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`
  const id = stableId(`${full}/${run.id}/${environment}`)
  const url = `${ctx.apiBase}/repos/${full}/deployments/${id}`
  const at = isoSeconds(ctx.now())
  return {
    url,
    id,
    node_id: `DE_${Buffer.from(String(id)).toString('base64url')}`,
    sha: run.head_sha,
    ref: run.head_branch,
    task: 'deploy',
    payload: {},
    original_environment: environment,
    environment,
    description: null,
    creator: presentUser(ctx.caller.info.login, ctx.apiBase),
    created_at: at,
    updated_at: at,
    statuses_url: `${url}/statuses`,
    repository_url: `${ctx.apiBase}/repos/${full}`
  }
}
