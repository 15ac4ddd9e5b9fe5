/**
 * approve-fork-runs: approve workflow runs of fork pull requests that wait for a maintainer's
 * approval, only when it is safe: the actor is trusted (when `trusted-actors` is set), an open pull
 * request's head is exactly the run's commit, and that pull request changes no `protected-paths`
 * file and, with `allowed-paths`, only files it allows (every page of its files, renamed files'
 * previous names too). Anything it cannot read is not approved.
 *
 * REST endpoints:
 * - `GET /repos/{owner}/{repo}/actions/runs?status=action_required` (or `.../runs/{run_id}` for
 *   `run-id`); the filter matches the status or the conclusion, so both forms of a waiting run
 * - `GET /repos/{owner}/{repo}/pulls?state=open&head={fork_owner}:{branch}`
 * - `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`, then, when no file is protected,
 *   `GET .../pulls/{pull_number}` to confirm the files were those of the run's commit, and all of
 *   them (`changed_files`)
 * - `POST /repos/{owner}/{repo}/actions/runs/{run_id}/approve`, sent once; after a lost answer
 *   `GET .../runs/{run_id}` tells whether it took effect
 */
import { log } from '../../log.js'
import { describeApiError, firstLine, isApiError } from '../../boundary/api-errors.js'
import type { WorkflowRun } from '../../readers/api-types.js'
import { SEND_ONCE } from '../../boundary/client.js'
import type { ErrorVerdict, Mutations } from '../../boundary/mutations.js'
import { PullRequestReader } from '../../readers/pull-requests.js'
import {
  checkActor,
  checkChangedFiles,
  checkListingComplete,
  matchPullRequests,
  shortSha,
  type Refusal
} from './rules.js'
import { actorOf, listRuns } from '../../readers/runs.js'
import type { ApproveForkRunsSettings } from './settings.js'
import { forEachRepository, fullName, runTarget, type Handler } from '../context.js'

/**
 * Lists the runs waiting for approval of each repository (or reads the `run-id` run), checks each
 * one against the policy, oldest first, and approves each safe one through the mutation boundary
 * as soon as it is judged.
 * Runs met once the mutation boundary says the invocation must stop (the `limit` budget or the
 * primary rate limit is spent) cost no reads: they are skipped with its reason.
 */
export const approveForkRuns: Handler<'approve-fork-runs'> = async context => {
  const { settings, octokit, mutations } = context
  await forEachRepository(context, async repository => {
    const listed = await listRuns(
      octokit,
      repository,
      { statuses: ['action_required'] },
      settings.filters
    )
    // One reader per repository: runs of one pull request share its lookup and file listing.
    const pullRequests = new PullRequestReader(octokit, repository)
    let waiting = 0
    let safe = 0
    for (const run of [...listed].reverse()) {
      const target = runTarget(repository, run, 'approve')
      // A run given by run-id may have been approved, cancelled or finished since.
      if (!isWaitingForApproval(run)) {
        context.results.skip(
          target,
          `not waiting for approval (status ${run.status ?? 'unknown'}, conclusion ${run.conclusion ?? 'none'})`
        )
        continue
      }
      waiting += 1
      // The actor costs no request: checked before the budget, so its reason is always given.
      const untrusted = checkActor(actorOf(run), settings.trustedActors)
      if (untrusted) {
        context.results.add(target, untrusted.outcome, untrusted.reason)
        continue
      }
      // Approvals are sent as they are judged, so once they spent the `limit` budget (or the
      // rate limit is spent), judging more runs (three reads each) is waste.
      if (mutations.stopReason() !== undefined) {
        mutations.skipStopped(target)
        continue
      }
      const verdict = await judge(run, pullRequests, settings, mutations)
      if ('outcome' in verdict) {
        context.results.add(target, verdict.outcome, verdict.reason)
        continue
      }
      safe += 1
      // Approved as soon as judged: the next run's reads then fall into the pause GitHub's write
      // pacing puts between two approvals, instead of all reads coming first.
      await mutations.apply(
        [
          {
            target,
            reason: verdict.reason,
            send: async () => {
              await octokit.rest.actions.approveWorkflowRun({
                ...repository,
                run_id: run.id,
                ...SEND_ONCE
              })
              return ''
            },
            // A lost approval took effect when the run no longer waits (someone else's approval
            // or cancel in those seconds looks the same).
            landed: async () => {
              const { data } = await octokit.rest.actions.getWorkflowRun({
                ...repository,
                run_id: run.id
              })
              return !isWaitingForApproval(data)
            },
            onError: approveRefused
          }
        ],
        'approved'
      )
    }
    log.info(
      `${fullName(repository)}: ${waiting} runs waiting for approval, ${safe} safe to approve`
    )
  })
}

/** Why the run is safe to approve, or why not. */
type Verdict = { reason: string } | Refusal

/**
 * Whether a run waits for a maintainer's approval. GitHub lists such runs as completed with
 * conclusion `action_required`; `workflow_run` payloads and some answers show them with status
 * `action_required` and no conclusion yet.
 */
function isWaitingForApproval(run: Pick<WorkflowRun, 'status' | 'conclusion'>): boolean {
  if (run.status === 'completed') return run.conclusion === 'action_required'
  return run.status === 'action_required' && !run.conclusion
}

/**
 * Applies the policy to one run whose actor is trusted, reading what it needs in order and
 * stopping at the first refusal: the pull request lookup one per head branch, the files one
 * listing per pull request, and one re-read per pull request whose files pass.
 */
async function judge(
  run: WorkflowRun,
  pullRequests: PullRequestReader,
  settings: ApproveForkRunsSettings,
  mutations: Mutations
): Promise<Verdict> {
  const readFailure = (what: string, error: unknown): Refusal => {
    // A spent rate limit only postpones the run; any other failed read refuses it (fail closed).
    const stopped = mutations.stoppedBy(error)
    if (stopped !== undefined) return { outcome: 'skipped', reason: stopped }
    return { outcome: 'failed', reason: `${what}: ${describeApiError(error, 'approve-fork-runs')}` }
  }
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
    const touches = checkChangedFiles(
      pull.number,
      read,
      settings.protectedPaths,
      settings.allowedPaths
    )
    if (touches) return touches
    // The listing describes the pull request's head when it was read: if a push landed since the
    // lookup, the files that passed are not those of the run's commit.
    let after
    try {
      after = await pullRequests.headAfterFiles(pull.number)
    } catch (error) {
      return readFailure(`could not read pull request #${pull.number} again`, error)
    }
    const still = matchPullRequests(run.head_sha, headRepository, after ? [after] : [])
    if (!Array.isArray(still)) return still
    const short = checkListingComplete(pull.number, read, after?.changedFiles)
    if (short) return short
    files += read.length
  }
  const numbers = matched.map(pull => `#${pull.number}`).join(', ')
  const allowed = settings.allowedPaths.length > 0 ? ', only allowed paths' : ''
  return {
    reason: `pull request ${numbers} at ${shortSha(run.head_sha)} touches no protected path${allowed} (${files} ${files === 1 ? 'file' : 'files'} checked)`
  }
}

/** Permission refusals read `Resource not accessible by …`; GitHub's other 403s mean "not approvable". */
const PERMISSION_MESSAGE = /resource not accessible|must have admin rights|permission/i
/** The 403 for a run that no longer waits: approved by someone else, cancelled or re-run. */
const NOT_WAITING_MESSAGE = /not waiting for approval/i

/**
 * Maps the approve endpoint's refusals: 404 means the run is gone (deleted after 30 days waiting,
 * or approved and gone from view), 403 a token without `actions: write`, a run that no longer
 * waits (nothing left to do: skipped), or a run GitHub will not approve (not a fork pull request
 * run).
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
  if (NOT_WAITING_MESSAGE.test(message)) {
    return {
      outcome: 'skipped',
      reason: `no longer waiting for approval (403 ${message}): approved, cancelled or re-run meanwhile`
    }
  }
  return {
    outcome: 'failed',
    reason: `not approvable (403 ${message}): GitHub approves only runs of fork pull requests that are waiting for approval; approve or re-run it by hand`
  }
}
