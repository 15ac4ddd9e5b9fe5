/**
 * Which pending deployments of a workflow run this invocation may review, and the facts a
 * maintainer needs about the others (pure: no API calls).
 */
import { matchesAny } from '../../rules/matching.js'
import type { RepositoryRef } from '../../settings.js'

/**
 * A pending deployment as `GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments`
 * answers it, reduced to what the rules read.
 */
export interface PendingDeployment {
  environment: { id: number; name: string }
  /** The environment's wait timer, in **minutes** (0 = none). */
  wait_timer: number
  /** When the wait timer started (ISO 8601), null when it has not. */
  wait_timer_started_at: string | null
  /** Whether the token's owner is a required reviewer who may approve it now. */
  current_user_can_approve: boolean
  /** Logins (users) or slugs (teams) of the required reviewers; empty when none are required. */
  reviewers: string[]
}

/** A matched pending deployment this token cannot review, and why. */
export interface BlockedDeployment {
  deployment: PendingDeployment
  reason: string
}

/** What to do with the pending deployments of one run. */
export interface ReviewPlan {
  /** Matched and approvable: reviewed together, in one call. */
  review: PendingDeployment[]
  /** Matched, but the token may not review them. */
  blocked: BlockedDeployment[]
  /** Pending on environments that `environments` does not name. */
  unmatched: PendingDeployment[]
}

/**
 * Splits a run's pending deployments by the `environments` globs (empty = every environment) and
 * by `current_user_can_approve`.
 * @param pending the run's pending deployments, in the API's order.
 * @param environments globs on environment names (minimatch).
 * @param now the clock, for the wait timers named in reasons.
 */
export function planReview(
  pending: readonly PendingDeployment[],
  environments: readonly string[],
  now: Date
): ReviewPlan {
  const plan: ReviewPlan = { review: [], blocked: [], unmatched: [] }
  for (const deployment of pending) {
    if (environments.length > 0 && !matchesAny(deployment.environment.name, environments)) {
      plan.unmatched.push(deployment)
    } else if (deployment.current_user_can_approve) {
      plan.review.push(deployment)
    } else {
      plan.blocked.push({ deployment, reason: blockedReason(deployment, now) })
    }
  }
  return plan
}

function blockedReason(deployment: PendingDeployment, now: Date): string {
  const name = deployment.environment.name
  if (deployment.reviewers.length === 0) {
    // No token can help here: the gate is a wait timer or a GitHub App's protection rule.
    const left = waitTimerLeftSeconds(deployment, now)
    return left > 0
      ? `${name} has no required reviewers; it waits for its wait timer (about ${Math.ceil(left / 60)} min left)`
      : `${name} has no required reviewers; it waits for a deployment protection rule, which only the GitHub App that owns it can answer`
  }
  return `${name}: the token may not approve (required reviewers: ${deployment.reviewers.join(', ')}); pass a required reviewer's token in \`github-token\` (GITHUB_TOKEN cannot review)`
}

/**
 * Why a blocked deployment is left, knowing the run's review history. `current_user_can_approve`
 * is false both for a token that is no required reviewer and for an environment whose reviewers
 * approved already but which still waits on another gate; only the history tells them apart. When
 * the latest review of the environment is an approval, the gate left is its wait timer or a
 * deployment protection rule, and no other token would help.
 * @param blocked a deployment `planReview` blocked.
 * @param history the run's review history, oldest first (empty when it could not be read).
 * @param now the clock, for the wait timer.
 * @returns the reason to report for it.
 */
export function blockedAfterReviews(
  blocked: BlockedDeployment,
  history: readonly PastReview[],
  now: Date
): string {
  const { deployment } = blocked
  const name = deployment.environment.name
  const names = (review: PastReview): string[] =>
    review.environments.map(environment => environment.toLowerCase())
  const reviews = history.filter(review => names(review).includes(name.toLowerCase()))
  const latest = reviews.at(-1)
  if (deployment.reviewers.length === 0 || latest?.state !== 'approved') return blocked.reason
  const approvers = [
    ...new Set(reviews.filter(review => review.state === 'approved').map(review => review.user))
  ]
  const left = waitTimerLeftSeconds(deployment, now)
  const gate =
    left > 0
      ? `its wait timer (about ${Math.ceil(left / 60)} min left)`
      : 'a deployment protection rule, which only the GitHub App that owns it can answer'
  return `${name}: its required reviewers approved (${approvers.join(', ')}); it waits for ${gate}`
}

/**
 * Seconds the wait timer of a pending deployment still runs at `now`; 0 when it has none, has not
 * started, or has elapsed.
 */
export function waitTimerLeftSeconds(deployment: PendingDeployment, now: Date): number {
  if (deployment.wait_timer <= 0 || deployment.wait_timer_started_at === null) return 0
  const started = Date.parse(deployment.wait_timer_started_at)
  if (Number.isNaN(started)) return 0
  const ends = started + deployment.wait_timer * 60_000
  return Math.max(0, Math.ceil((ends - now.getTime()) / 1000))
}

/**
 * The reason line of a review: the state and the environments, and any wait timer that will still
 * hold the job after the review, e.g. `approved staging, production; wait timer on production: about 12 min left`.
 */
export function describeReview(
  state: 'approved' | 'rejected',
  deployments: readonly PendingDeployment[],
  now: Date
): string {
  const names = deployments.map(deployment => deployment.environment.name).join(', ')
  const timers =
    state === 'approved'
      ? deployments
          .map(deployment => ({
            name: deployment.environment.name,
            left: waitTimerLeftSeconds(deployment, now)
          }))
          .filter(timer => timer.left > 0)
          .map(timer => `wait timer on ${timer.name}: about ${Math.ceil(timer.left / 60)} min left`)
      : []
  return [`${state} ${names}`, ...timers].join('; ')
}

/** One entry of a run's review history (`GET .../runs/{run_id}/approvals`), reduced. */
export interface PastReview {
  state: string
  user: string
  /** The reviewer's comment; tells this invocation's own review from others'. */
  comment?: string
  environments: string[]
}

/** The review history as one phrase, e.g. `reviews so far: bob approved staging`; '' when empty. */
export function describeHistory(history: readonly PastReview[]): string {
  if (history.length === 0) return ''
  const entries = history.map(
    review => `${review.user} ${review.state} ${review.environments.join(', ')}`
  )
  return `reviews so far: ${entries.join('; ')}`
}

/**
 * The `deployment_protection_rule` payload this invocation answers, if any. GitHub delivers that
 * event to the app that owns the rule, not to workflows, so it arrives either directly (the app
 * runs the action with `GITHUB_EVENT_NAME=deployment_protection_rule`) or relayed as a
 * `repository_dispatch` with `event_type: deployment_protection_rule` and the payload as
 * `client_payload`.
 * @returns undefined for every other event.
 */
export function protectionRulePayload(
  eventName: string,
  payload: Record<string, unknown>
): Record<string, unknown> | undefined {
  if (eventName === 'deployment_protection_rule') return payload
  const relayed = payload.client_payload
  if (
    eventName === 'repository_dispatch' &&
    payload.action === 'deployment_protection_rule' &&
    typeof relayed === 'object' &&
    relayed !== null &&
    !Array.isArray(relayed)
  ) {
    return relayed as Record<string, unknown>
  }
  return undefined
}

/** Where a custom deployment protection rule is answered. */
export interface CallbackTarget extends RepositoryRef {
  runId: number
}

/**
 * Reads the repository and run id out of a `deployment_protection_rule` payload's
 * `deployment_callback_url` (`{api}/repos/{owner}/{repo}/actions/runs/{run_id}/deployment_protection_rule`,
 * with `/api/v3` before `/repos` on GitHub Enterprise Server).
 * @returns undefined when the value is not such a URL.
 */
export function parseDeploymentCallbackUrl(value: unknown): CallbackTarget | undefined {
  if (typeof value !== 'string') return undefined
  let path: string
  try {
    path = new URL(value).pathname
  } catch {
    return undefined
  }
  const match =
    /\/repos\/([^/]+)\/([^/]+)\/actions\/runs\/(\d+)\/deployment_protection_rule\/?$/.exec(path)
  if (!match?.[1] || !match[2] || !match[3]) return undefined
  const runId = Number(match[3])
  if (!Number.isSafeInteger(runId) || runId <= 0) return undefined
  return {
    owner: decodeURIComponent(match[1]),
    repo: decodeURIComponent(match[2]),
    runId
  }
}
