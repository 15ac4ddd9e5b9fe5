/**
 * Reading what a workflow run waits for before it may deploy: its pending deployments and its
 * review history, reduced to what the deployment-review rules read.
 */
import type { Octokit } from '../boundary/client.js'
import type { PastReview, PendingDeployment } from '../operations/review-deployments/rules.js'
import type { RepositoryRef } from '../settings.js'

type ApiPendingDeployment = Awaited<
  ReturnType<Octokit['rest']['actions']['getPendingDeploymentsForRun']>
>['data'][number]

/**
 * The environments run `runId` waits on, in the API's order (empty when it waits on none).
 *
 * Calls `GET /repos/{owner}/{repo}/actions/runs/{run_id}/pending_deployments`.
 * @throws the API error of the read.
 */
export async function readPendingDeployments(
  octokit: Octokit,
  repository: RepositoryRef,
  runId: number
): Promise<PendingDeployment[]> {
  const { data } = await octokit.rest.actions.getPendingDeploymentsForRun({
    ...repository,
    run_id: runId
  })
  return data.map(toPendingDeployment)
}

/**
 * The reviews of run `runId`'s deployments so far, oldest first.
 *
 * Calls `GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals`.
 * @throws the API error of the read.
 */
export async function readReviewHistory(
  octokit: Octokit,
  repository: RepositoryRef,
  runId: number
): Promise<PastReview[]> {
  const { data } = await octokit.rest.actions.getReviewsForRun({ ...repository, run_id: runId })
  return data.map(review => ({
    state: review.state,
    user: review.user.login,
    comment: review.comment,
    environments: review.environments.map(environment => environment.name ?? '')
  }))
}

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
