/**
 * Approving workflow runs of fork pull requests: a run waiting for approval (listed as `completed`
 * with conclusion `action_required`, or shown with status `action_required` and no conclusion) is
 * queued again; GitHub refuses the rest with 403, and a run
 * that waited more than 30 days is deleted (404).
 */
import { ApiError, errorResponse, type ApiResponse } from '../responses.js'
import { json, numericParam, type HandlerContext, type Router } from '../router.js'
import { isoSeconds, type RunState } from '../state.js'
import { findRun } from './runs.js'

const APPROVE_DOCS =
  'https://docs.github.com/rest/actions/workflow-runs#approve-a-workflow-run-for-a-fork-pull-request'

/** GitHub deletes runs that waited for approval longer than this (days). */
export const APPROVAL_EXPIRY_DAYS = 30

/** Registers `POST /repos/{owner}/{repo}/actions/runs/{run_id}/approve` on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/approve-workflow-run', approveRun)
}

/** Whether the run is waiting for a maintainer's approval, in either of the forms GitHub shows. */
export function isWaitingForApproval(run: RunState): boolean {
  if (run.status === 'completed') return run.conclusion === 'action_required'
  return run.status === 'action_required' && run.conclusion === null
}

function approveRun(ctx: HandlerContext): ApiResponse {
  const repo = ctx.repository()
  const run = findRun(repo, numericParam(ctx, 'run_id'))
  const now = ctx.now()
  const waitedMs = now.getTime() - Date.parse(run.created_at)
  if (isWaitingForApproval(run) && waitedMs > APPROVAL_EXPIRY_DAYS * 86_400_000) {
    // GitHub deletes such runs in the background; the approval is what finds it gone.
    repo.runs = repo.runs.filter(r => r.id !== run.id)
    throw new ApiError(404, 'Not Found', APPROVE_DOCS)
  }
  const fullName = `${repo.owner}/${repo.name}`.toLowerCase()
  if (run.head_repository.toLowerCase() === fullName) {
    return errorResponse(
      403,
      'This run is not from a fork pull request or queued by the Actions bot',
      APPROVE_DOCS
    )
  }
  if (!isWaitingForApproval(run)) {
    return errorResponse(403, 'This workflow run is not waiting for approval', APPROVE_DOCS)
  }
  run.status = 'queued'
  run.conclusion = null
  run.updated_at = isoSeconds(now)
  return json({}, 201)
}
