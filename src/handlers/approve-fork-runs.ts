/**
 * approve-fork-runs: approve workflow runs of fork pull requests that wait for a maintainer's
 * approval, only when it is safe: the actor is trusted (when `trusted-actors` is set), an open pull
 * request's head is exactly the run's commit, and that pull request changes no `protected-paths`
 * file (every page of its files, renamed files' previous names too). Anything it cannot read is
 * not approved.
 *
 * REST endpoints:
 * - `GET /repos/{owner}/{repo}/actions/runs?status=action_required` (or `.../runs/{run_id}` for `run-id`)
 * - `GET /repos/{owner}/{repo}/pulls?state=open&head={fork_owner}:{branch}`
 * - `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`, then `GET .../pulls/{pull_number}`
 * - `POST /repos/{owner}/{repo}/actions/runs/{run_id}/approve`
 */
import * as core from '@actions/core'
import { describeApiError, firstLine, isApiError, rateLimitResetOf } from '../api-errors.js'
import type { ErrorVerdict, PlannedWrite } from '../mutations.js'
import type { Target } from '../outcomes.js'
import { PullRequestReader } from '../pull-requests.js'
import {
  checkActor,
  checkChangedFiles,
  matchPullRequests,
  shortSha,
  type Refusal
} from '../rules/fork-approval.js'
import { actorOf, listRuns, type WorkflowRun } from '../runs.js'
import type { ApproveForkRunsSettings, RepositoryRef } from '../settings.js'
import { forEachRepository, fullName, type Handler } from './context.js'

/**
 * Lists the runs waiting for approval of each repository (or reads the `run-id` run), checks each
 * one against the policy, oldest first, and approves the safe ones through the mutation boundary.
 */
export const approveForkRuns: Handler<'approve-fork-runs'> = async context => {
  const { settings, octokit } = context
  await forEachRepository(context, async repository => {
    const listed = await listRuns(
      octokit,
      repository,
      { statuses: ['action_required'] },
      settings.filters
    )
    // One reader per repository: runs of one pull request share its lookup and file listing.
    const pullRequests = new PullRequestReader(octokit, repository)
    const approvals: PlannedWrite[] = []
    let waiting = 0
    for (const run of [...listed].reverse()) {
      const target = runTarget(repository, run)
      // A run given by run-id may have been approved, cancelled or finished since.
      if (!isWaitingForApproval(run)) {
        context.results.skip(
          target,
          `not waiting for approval (status ${run.status ?? 'unknown'}, conclusion ${run.conclusion ?? 'none'})`
        )
        continue
      }
      waiting += 1
      const verdict = await judge(run, pullRequests, settings)
      if ('outcome' in verdict) {
        context.results.add(target, verdict.outcome, verdict.reason)
        continue
      }
      approvals.push({
        target,
        reason: verdict.reason,
        send: async () => {
          await octokit.rest.actions.approveWorkflowRun({ ...repository, run_id: run.id })
          return ''
        },
        onError: approveRefused
      })
    }
    core.info(
      `${fullName(repository)}: ${waiting} runs waiting for approval, ${approvals.length} safe to approve`
    )
    await context.mutations.apply(approvals, 'approved')
  })
}

/** GitHub lists runs waiting for approval as completed, with conclusion `action_required`. */
function isWaitingForApproval(run: WorkflowRun): boolean {
  return run.status === 'completed' && run.conclusion === 'action_required'
}

/**
 * Applies the policy to one run, reading what it needs in order and stopping at the first refusal:
 * the actor costs no request, the pull request lookup one per head branch, the files one listing
 * per pull request.
 */
async function judge(
  run: WorkflowRun,
  pullRequests: PullRequestReader,
  settings: ApproveForkRunsSettings
): Promise<{ reason: string } | Refusal> {
  const untrusted = checkActor(actorOf(run), settings.trustedActors)
  if (untrusted) return untrusted

  const headRepository = run.head_repository?.full_name
  const headOwner = run.head_repository?.owner?.login
  const headBranch = run.head_branch
  if (!headRepository || !headOwner || !headBranch) {
    return {
      outcome: 'skipped',
      reason: `no open pull request at ${shortSha(run.head_sha)} (the run's head repository or branch is gone)`
    }
  }
  let open
  try {
    open = await pullRequests.openPullRequests(headOwner, headBranch)
  } catch (error) {
    return readFailure(`could not read the pull requests of ${headOwner}:${headBranch}`, error)
  }
  const matched = matchPullRequests(run.head_sha, headRepository, open)
  if (!Array.isArray(matched)) return matched

  // A head can be open against several base branches; each such pull request must be safe.
  let files = 0
  for (const pull of matched) {
    let read
    try {
      read = await pullRequests.changedFiles(pull.number)
    } catch (error) {
      return readFailure(`could not read the changed files of pull request #${pull.number}`, error)
    }
    // The listing describes the pull request's current head: if a push landed meanwhile, the
    // files are not those of the run's commit.
    const still = matchPullRequests(run.head_sha, headRepository, read.after ? [read.after] : [])
    if (!Array.isArray(still)) return still
    const touches = checkChangedFiles(pull.number, read.files, settings.protectedPaths)
    if (touches) return touches
    files += read.files.length
  }
  const numbers = matched.map(pull => `#${pull.number}`).join(', ')
  return {
    reason: `pull request ${numbers} at ${shortSha(run.head_sha)} touches no protected path (${files} ${files === 1 ? 'file' : 'files'} checked)`
  }
}

/** A read that failed refuses the run (fail closed); a spent rate limit only postpones it. */
function readFailure(what: string, error: unknown): Refusal {
  const reset = rateLimitResetOf(error)
  if (reset)
    return { outcome: 'skipped', reason: `rate limit exhausted until ${reset.toISOString()}` }
  return { outcome: 'failed', reason: `${what}: ${describeApiError(error, 'approve-fork-runs')}` }
}

/** Permission refusals read `Resource not accessible by …`; GitHub's other 403s mean "not approvable". */
const PERMISSION_MESSAGE = /resource not accessible|must have admin rights|permission/i

/**
 * Maps the approve endpoint's refusals: 404 means the run is gone (deleted after 30 days waiting,
 * or approved and gone from view), 403 either a token without `actions: write` or a run GitHub
 * will not approve (not a fork pull request run, or no longer waiting).
 */
function approveRefused(error: unknown): ErrorVerdict {
  if (!isApiError(error)) return undefined
  const message = firstLine(error.message)
  if (error.status === 404) {
    return {
      outcome: 'skipped',
      reason: `run gone or already approved (404 ${message}); nothing left to approve`
    }
  }
  if (error.status !== 403) return undefined
  if (PERMISSION_MESSAGE.test(message)) {
    return {
      outcome: 'failed',
      reason: `403 ${message}: the token lacks \`actions: write\`; add \`permissions: actions: write\` to the job (or use a token with it)`
    }
  }
  return {
    outcome: 'failed',
    reason: `not approvable (403 ${message}): GitHub approves only runs of fork pull requests that are waiting for approval; approve or re-run it by hand`
  }
}

function runTarget(repository: RepositoryRef, run: WorkflowRun): Target {
  return {
    repository: fullName(repository),
    kind: 'run',
    id: run.id,
    action: 'approve',
    url: run.html_url
  }
}
