/**
 * delete-runs: delete completed workflow runs created before now − `older-than`, except the newest
 * `keep-latest` completed runs of each group (workflow, head branch, head repository); or the one
 * run `run-id` names. Deleting a run deletes its logs and artifacts with it.
 */
import { log } from '../../log.js'
import { statusOf } from '../../boundary/api-errors.js'
import { SEND_ONCE } from '../../boundary/client.js'
import { goneWhen, alreadyDeleted } from '../clean-up.js'
import type { WorkflowRun } from '../../readers/api-types.js'
import { STATUS_FILTER_CONCLUSIONS } from '../../github-limits.js'
import type { ErrorVerdict, PlannedWrite } from '../../boundary/mutations.js'
import { matchesAny, matchesLogin } from '../../rules/matching.js'
import { cutoffOf, isBefore, roughAge } from '../../rules/retention.js'
import { judgeRetention, retentionGroupKey, undecidedWithin, type RunVerdict } from './rules.js'
import { CompletedRunsAfter } from '../../readers/later-runs.js'
import {
  actorOf,
  inWorkflows,
  listRuns,
  matchesFilters,
  runIdIn,
  type RunStatusFilter
} from '../../readers/runs.js'
import type { RepositoryRef, RunConclusion, RunFilters } from '../../settings.js'
import {
  forEachRepository,
  fullName,
  runPageUrl,
  runTarget,
  type Handler,
  type HandlerContext
} from '../context.js'

type Context = HandlerContext<'delete-runs'>

/**
 * Lists each repository's completed runs created before the cut-off (`GET
 * /repos/{owner}/{repo}/actions/runs?status=completed&created=<=…`, per workflow
 * `.../workflows/{workflow_id}/runs`, every page past the 1,000-result cap), decides which are among
 * their group's newest `keep-latest` (reading runs after the cut-off only for the groups where
 * that decides something: see `CompletedRunsAfter`), and deletes the rest oldest first with `DELETE
 * /repos/{owner}/{repo}/actions/runs/{run_id}` (sent once; after a lost answer `GET
 * .../runs/{run_id}` answering 404 shows it took effect). With `run-id`, that run alone
 * (`GET .../runs/{run_id}`), whatever keep-latest says.
 */
export const deleteRuns: Handler<'delete-runs'> = async context => {
  const { settings } = context
  const cutoffMs = cutoffOf(context.now(), settings.olderThanSeconds)
  await forEachRepository(context, async repository => {
    const runId = runIdIn(settings.filters, repository)
    if (runId !== undefined) {
      await deleteNamedRun(context, repository, runId, cutoffMs)
      return
    }
    const verdicts = await judgeRepository(context, repository, cutoffMs)
    const deletes = verdicts.filter(entry => entry.verdict === 'delete').length
    log.info(
      `${fullName(repository)}: ${verdicts.length} completed runs match the filters${cutoffMs === undefined ? '' : ` and are older than ${new Date(cutoffMs).toISOString()}`}; ${deletes} to delete, ${verdicts.length - deletes} kept or not judged (keep-latest ${settings.keepLatest})`
    )
    const writes = verdicts
      .filter(entry => entry.verdict === 'delete')
      .map(entry => deleteWrite(context, repository, entry.run, reasonFor(context, entry.run)))
    await context.mutations.apply(writes, 'deleted')
    // Left undecided because the `limit` could not reach them: the deletes above spent it.
    for (const entry of verdicts) {
      if (entry.verdict === 'undecided') {
        context.mutations.skipStopped(runTarget(repository, entry.run, 'delete'))
      }
    }
  })
}

/**
 * The verdict on every candidate of one repository, oldest first. Workflow and branch filters
 * (exclude-branch included) select whole groups, as both are part of the group key, so they narrow
 * the listing; event, actor and conclusions pick runs within a group, after every completed run of
 * it was counted. With keep-latest 0 no group matters, and they narrow the listing too.
 */
async function judgeRepository(
  context: Context,
  repository: RepositoryRef,
  cutoffMs: number | undefined
): Promise<RunVerdict<WorkflowRun>[]> {
  const { settings, octokit } = context
  const { keepLatest, filters, conclusions } = settings
  const isCandidate = (run: WorkflowRun): boolean =>
    run.status === 'completed' &&
    matchesFilters(run, filters) &&
    (conclusions.length === 0 || conclusions.includes(run.conclusion as RunConclusion))
  const before = cutoffMs === undefined ? {} : { createdBefore: new Date(cutoffMs - 1000) }
  if (keepLatest === 0 || cutoffMs === undefined) {
    // Nothing after the cut-off decides anything: without one, the listing holds every run.
    const narrow = keepLatest === 0
    const statuses: readonly RunStatusFilter[] =
      narrow && conclusions.length > 0 && conclusions.every(c => STATUS_FILTER_CONCLUSIONS.has(c))
        ? (conclusions as RunStatusFilter[])
        : ['completed']
    const history = await listRuns(
      octokit,
      repository,
      { statuses, ...before },
      narrow ? { ...filters, runId: undefined } : groupFilters(filters)
    )
    return judgeRetention(history.filter(isCompleted), {
      keepLatest,
      newerCount: () => 0,
      isCandidate
    })
  }
  const newer = new CompletedRunsAfter(octokit, repository, {
    groupFilters: groupFilters(filters),
    workflows: filters.workflows,
    cutoffMs,
    keepLatest,
    groupOf: retentionGroupKey
  })
  // The newest page first: for a repository whose completed runs fit on it, it is everything.
  const history =
    (await newer.probe()) ??
    (
      await listRuns(
        octokit,
        repository,
        // The probe showed more completed runs than its page holds.
        { statuses: ['completed'], ...before, manyRuns: true },
        groupFilters(filters)
      )
    ).filter(isCompleted)
  const judge = (): RunVerdict<WorkflowRun>[] =>
    judgeRetention(history, { keepLatest, newerCount: group => newer.count(group), isCandidate })
  let verdicts = judge()
  // Only runs the `limit` can still reach are worth the reads that decide them.
  for (;;) {
    const pending = undecidedWithin(verdicts, context.mutations.budgetLeft)
    if (pending.length === 0) return verdicts
    await newer.settle(pending, history.length)
    verdicts = judge()
  }
}

/** The filters that select whole groups: workflow, branch and exclude-branch. */
function groupFilters(filters: RunFilters): RunFilters {
  return { ...filters, events: [], actors: [], runId: undefined }
}

function isCompleted(run: WorkflowRun): boolean {
  return run.status === 'completed'
}

/**
 * Deletes the run `run-id` names when it meets every other condition: keep-latest does not
 * protect it, and an active run is skipped (`still running`), never deleted.
 */
async function deleteNamedRun(
  context: Context,
  repository: RepositoryRef,
  runId: number,
  cutoffMs: number | undefined
): Promise<void> {
  const run = await readRun(context, repository, runId)
  if (run === undefined) {
    context.results.skip(
      {
        repository: fullName(repository),
        kind: 'run',
        id: runId,
        action: 'delete',
        url: runPageUrl(context.settings.runner.serverUrl, repository, runId)
      },
      `not found: already deleted, or not a run of ${fullName(repository)}`
    )
    return
  }
  const refusal = namedRunRefusal(context, run, cutoffMs)
  if (refusal !== undefined) {
    context.results.skip(runTarget(repository, run, 'delete'), refusal)
    return
  }
  await context.mutations.apply(
    [deleteWrite(context, repository, run, `named by run-id; ${reasonFor(context, run)}`)],
    'deleted'
  )
}

/**
 * `GET /repos/{owner}/{repo}/actions/runs/{run_id}`.
 * @returns the run, or undefined when it answers 404.
 * @throws any other API error.
 */
async function readRun(
  context: Context,
  repository: RepositoryRef,
  runId: number
): Promise<WorkflowRun | undefined> {
  try {
    const { data } = await context.octokit.rest.actions.getWorkflowRun({
      ...repository,
      run_id: runId
    })
    return data
  } catch (error) {
    if (statusOf(error) === 404) return undefined
    throw error
  }
}

/** Why the run `run-id` names is not deleted, or undefined when it is. */
function namedRunRefusal(
  context: Context,
  run: WorkflowRun,
  cutoffMs: number | undefined
): string | undefined {
  const { filters, conclusions, olderThanSeconds } = context.settings
  const branch = run.head_branch ?? ''
  if (run.status !== 'completed') return 'still running'
  if (!inWorkflows(run, filters.workflows)) return `workflow ${run.path} is not in workflow`
  if (filters.branches.length > 0 && !matchesAny(branch, filters.branches)) {
    return `head branch ${branch} does not match branch`
  }
  if (filters.excludeBranches.length > 0 && matchesAny(branch, filters.excludeBranches)) {
    return `head branch ${branch} matches exclude-branch`
  }
  if (filters.events.length > 0 && !filters.events.includes(run.event)) {
    return `event ${run.event} is not in event`
  }
  if (filters.actors.length > 0 && !matchesLogin(actorOf(run), filters.actors)) {
    return `actor ${actorOf(run)} does not match actor`
  }
  if (conclusions.length > 0 && !conclusions.includes(run.conclusion as RunConclusion)) {
    return `conclusion ${run.conclusion ?? 'none'} is not in conclusions`
  }
  if (!isBefore(run.created_at, cutoffMs)) {
    return `created ${ageOf(context, run)} ago, not older than ${roughAge(olderThanSeconds * 1000)} (older-than)`
  }
  return undefined
}

function deleteWrite(
  context: Context,
  repository: RepositoryRef,
  run: WorkflowRun,
  reason: string
): PlannedWrite {
  const { octokit } = context
  return {
    target: runTarget(repository, run, 'delete'),
    reason,
    send: async () => {
      await octokit.rest.actions.deleteWorkflowRun({ ...repository, run_id: run.id, ...SEND_ONCE })
      return ''
    },
    landed: goneWhen(async () =>
      octokit.rest.actions.getWorkflowRun({ ...repository, run_id: run.id })
    ),
    onError: refusedDelete
  }
}

/**
 * GitHub refuses to delete a run that has not completed (someone re-ran it since it was listed):
 * 403 `Cannot delete a workflow run that is not completed`, or 409. A 404: already deleted.
 */
function refusedDelete(error: unknown): ErrorVerdict {
  const status = statusOf(error)
  const message = error instanceof Error ? error.message : ''
  if (status === 409 || (status === 403 && /not completed/i.test(message))) {
    return { outcome: 'skipped', reason: 'still running' }
  }
  return alreadyDeleted(error)
}

function reasonFor(context: Context, run: WorkflowRun): string {
  return `created ${ageOf(context, run)} ago, conclusion ${run.conclusion ?? 'none'}`
}

function ageOf(context: Context, run: WorkflowRun): string {
  return roughAge(context.now().getTime() - Date.parse(run.created_at))
}
