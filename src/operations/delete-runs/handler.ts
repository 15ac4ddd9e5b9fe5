/**
 * delete-runs: delete completed workflow runs created before now − `older-than`, except the newest
 * `keep-latest` completed runs of each group (workflow, head branch, head repository); or the one
 * run `run-id` names. Deleting a run deletes its logs and artifacts with it.
 */
import { log } from '../../log.js'
import {
  firstLine,
  isApiError,
  rateLimitResetOf,
  redactSecrets,
  statusOf
} from '../../boundary/api-errors.js'
import { SEND_ONCE } from '../../boundary/client.js'
import { goneWhen, alreadyDeleted } from '../clean-up.js'
import type { WorkflowRun } from '../../readers/api-types.js'
import { STATUS_FILTER_CONCLUSIONS } from '../../github-limits.js'
import type { ErrorVerdict, PlannedWrite } from '../../boundary/mutations.js'
import { matchesAny, matchesLogin } from '../../rules/matching.js'
import { cutoffOf, isBefore, roughAge } from '../../rules/retention.js'
import { CompletedRunsAfter } from '../../readers/later-runs.js'
import { listOpenPullRequests } from '../../readers/pull-requests.js'
import { listWorkflowStates } from '../../readers/workflows.js'
import {
  inWorkflowStates,
  judgeRetention,
  pullRequestsByHead,
  retentionGroupKey,
  undecidedWithin,
  verdictsWithin,
  workflowStateOf,
  type RunVerdict
} from './rules.js'
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
 *
 * Only when a run would otherwise be deleted, once per repository: with `workflow-state`, the
 * repository's workflows (`GET /repos/{owner}/{repo}/actions/workflows`, every page); with
 * `keep-open-pull-requests`, its open pull requests (`GET /repos/{owner}/{repo}/pulls?state=open`,
 * every page), whose head commits' runs are kept like keep-latest keeps runs: not reported, no
 * `limit` spent (named by `run-id`: `skipped`, `checks of open pull request #N`).
 */
export const deleteRuns: Handler<'delete-runs'> = async context => {
  const { settings } = context
  const cutoffMs = cutoffOf(context.now(), settings.olderThanSeconds)
  await forEachRepository(context, async repository => {
    const runId = runIdIn(settings.filters, repository)
    const facts = new RepositoryFacts(context, repository)
    if (runId !== undefined) {
      await deleteNamedRun(context, repository, runId, cutoffMs, facts)
      return
    }
    const { verdicts, keptForPullRequests } = await judgeRepository(
      context,
      repository,
      cutoffMs,
      facts
    )
    const deletes = verdicts.filter(entry => entry.verdict === 'delete').length
    const pulls =
      keptForPullRequests > 0
        ? `; ${keptForPullRequests} kept as the head commits of open pull requests`
        : ''
    log.info(
      `${fullName(repository)}: ${verdicts.length} completed runs match the filters${cutoffMs === undefined ? '' : ` and are older than ${new Date(cutoffMs).toISOString()}`}; ${deletes} to delete, ${verdicts.length - deletes} kept or not judged (keep-latest ${settings.keepLatest})${pulls}`
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
 * the listing; event, actor, conclusions, workflow-state and the open pull requests pick runs
 * within a group, after every completed run of it was counted. With keep-latest 0 no group
 * matters, and they narrow the listing too.
 * @returns the verdicts, and how many runs would have been deleted but for an open pull request.
 */
async function judgeRepository(
  context: Context,
  repository: RepositoryRef,
  cutoffMs: number | undefined,
  facts: RepositoryFacts
): Promise<{ verdicts: RunVerdict<WorkflowRun>[]; keptForPullRequests: number }> {
  const { settings, octokit } = context
  const { keepLatest, filters, conclusions } = settings
  const passesFilters = (run: WorkflowRun): boolean =>
    run.status === 'completed' &&
    matchesFilters(run, filters) &&
    (conclusions.length === 0 || conclusions.includes(run.conclusion as RunConclusion)) &&
    facts.inWorkflowStates(run)
  const isCandidate = (run: WorkflowRun): boolean =>
    passesFilters(run) && facts.openPullRequestAt(run) === undefined
  const before = cutoffMs === undefined ? {} : { createdBefore: new Date(cutoffMs - 1000) }
  let history: WorkflowRun[]
  let newerCount: (group: string) => number | undefined = () => 0
  let settle: ((pending: readonly WorkflowRun[]) => Promise<void>) | undefined
  if (keepLatest === 0 || cutoffMs === undefined) {
    // Nothing after the cut-off decides anything: without one, the listing holds every run.
    const narrow = keepLatest === 0
    const statuses: readonly RunStatusFilter[] =
      narrow && conclusions.length > 0 && conclusions.every(c => STATUS_FILTER_CONCLUSIONS.has(c))
        ? (conclusions as RunStatusFilter[])
        : ['completed']
    history = (
      await listRuns(
        octokit,
        repository,
        { statuses, ...before },
        narrow ? { ...filters, runId: undefined } : groupFilters(filters)
      )
    ).filter(isCompleted)
  } else {
    const newer = new CompletedRunsAfter(octokit, repository, {
      groupFilters: groupFilters(filters),
      workflows: filters.workflows,
      cutoffMs,
      keepLatest,
      groupOf: retentionGroupKey
    })
    // The newest page first: for a repository whose completed runs fit on it, it is everything.
    history =
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
    newerCount = group => newer.count(group)
    const historyCount = history.length
    settle = async pending => newer.settle(pending, historyCount)
  }
  const judge = (candidate: (run: WorkflowRun) => boolean): RunVerdict<WorkflowRun>[] =>
    judgeRetention(history, { keepLatest, newerCount, isCandidate: candidate })
  let verdicts = judge(isCandidate)
  // Only runs the `limit` can still reach are worth the reads that decide them.
  for (;;) {
    if (await facts.readFor(verdicts)) {
      verdicts = judge(isCandidate)
      continue
    }
    const pending = undecidedWithin(verdicts, context.mutations.budgetLeft)
    if (pending.length === 0 || settle === undefined) break
    await settle(pending)
    verdicts = judge(isCandidate)
  }
  const keptForPullRequests = facts.pullRequestsRead
    ? judge(passesFilters).filter(
        entry => entry.verdict === 'delete' && facts.openPullRequestAt(entry.run) !== undefined
      ).length
    : 0
  return { verdicts, keptForPullRequests }
}

/**
 * What decides a run beyond its own listing, read at most once per repository and only when a
 * run would otherwise be deleted: the states of its workflows (`workflow-state`) and the head
 * commits of its open pull requests (`keep-open-pull-requests`). Until they are read, every run
 * passes (see `readFor`).
 */
class RepositoryFacts {
  private workflowStates: Map<number, string> | undefined
  private openHeads: Map<string, number> | undefined

  constructor(
    private readonly context: Context,
    private readonly repository: RepositoryRef
  ) {}

  /** Whether the open pull requests were listed. */
  get pullRequestsRead(): boolean {
    return this.openHeads !== undefined
  }

  /** Whether the run's workflow is in `workflow-state` (true while the states are not read). */
  inWorkflowStates(run: WorkflowRun): boolean {
    const wanted = this.context.settings.workflowStates
    return (
      this.workflowStates === undefined ||
      inWorkflowStates(run.workflow_id, wanted, this.workflowStates)
    )
  }

  /** The state of the run's workflow (`deleted` when not listed), once the states are read. */
  workflowStateOf(run: WorkflowRun): string | undefined {
    return this.workflowStates === undefined
      ? undefined
      : workflowStateOf(run.workflow_id, this.workflowStates)
  }

  /** The open pull request whose head is the run's commit, once they are listed. */
  openPullRequestAt(run: WorkflowRun): number | undefined {
    return this.openHeads?.get(run.head_sha)
  }

  /**
   * Reads the one fact `verdicts` need next: the workflow states when a run is not kept (with
   * `workflow-state`), else the open pull requests when a run the `limit` still reaches would be
   * deleted (with `keep-open-pull-requests`). Runs past the `limit` are `skipped` (limit
   * reached) without them, as the runs after the cut-off are not read for them either.
   * @returns whether it read something: the verdicts must then be judged again.
   * @throws the API error of the workflow listing; for the pull requests, see `readOpenHeads`.
   */
  async readFor(verdicts: readonly RunVerdict<WorkflowRun>[]): Promise<boolean> {
    const { settings, mutations } = this.context
    if (
      settings.workflowStates.length > 0 &&
      this.workflowStates === undefined &&
      verdicts.some(entry => entry.verdict !== 'keep')
    ) {
      this.workflowStates = await listWorkflowStates(this.context.octokit, this.repository)
      return true
    }
    if (
      settings.keepOpenPullRequests &&
      this.openHeads === undefined &&
      verdictsWithin(verdicts, mutations.budgetLeft).some(entry => entry.verdict === 'delete')
    ) {
      this.openHeads = await this.readOpenHeads()
      return true
    }
    return false
  }

  /** The workflow states for a run named by `run-id` (with `workflow-state`). */
  async readWorkflowStates(): Promise<void> {
    this.workflowStates ??= await listWorkflowStates(this.context.octokit, this.repository)
  }

  /**
   * The open pull requests by head commit (`GET /repos/{owner}/{repo}/pulls?state=open`).
   * @throws Error saying what to do when the token may not list them (403): a run kept for an
   *   open pull request cannot be told from one that is not, so nothing of the repository is
   *   deleted; any other API error as it is.
   */
  async readOpenHeads(): Promise<Map<string, number>> {
    if (this.openHeads !== undefined) return this.openHeads
    try {
      this.openHeads = pullRequestsByHead(
        await listOpenPullRequests(this.context.octokit, this.repository)
      )
      return this.openHeads
    } catch (error) {
      if (!isApiError(error) || error.status !== 403 || rateLimitResetOf(error) !== undefined) {
        throw error
      }
      throw new Error(
        `could not list the open pull requests (403 ${firstLine(redactSecrets(error.message))}), so no run was deleted: keep-open-pull-requests keeps the runs that give an open pull request its checks, and the token needs \`pull-requests: read\` to find them. Add \`permissions: pull-requests: read\` to the job, or set 'keep-open-pull-requests: false' to delete those runs too.`
      )
    }
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
 * protect it, an active run is skipped (`still running`), never deleted, and so is a run at the
 * head commit of an open pull request (`checks of open pull request #N`). The workflows and the
 * open pull requests are read only when the run passes every condition before them.
 */
async function deleteNamedRun(
  context: Context,
  repository: RepositoryRef,
  runId: number,
  cutoffMs: number | undefined,
  facts: RepositoryFacts
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
  const refusal =
    namedRunRefusal(context, run, cutoffMs) ?? (await namedRunKeptBy(context, run, facts))
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

/**
 * Why the run `run-id` names is kept by what is read beyond it (its workflow's state, the open
 * pull requests), or undefined when it is not; reads each only when the condition before passed.
 */
async function namedRunKeptBy(
  context: Context,
  run: WorkflowRun,
  facts: RepositoryFacts
): Promise<string | undefined> {
  const { workflowStates, keepOpenPullRequests } = context.settings
  if (workflowStates.length > 0) {
    await facts.readWorkflowStates()
    if (!facts.inWorkflowStates(run)) {
      const workflow = run.path === '' ? `workflow ${run.workflow_id}` : run.path
      return `${workflow} is ${facts.workflowStateOf(run) ?? 'unknown'}, not in workflow-state`
    }
  }
  if (keepOpenPullRequests) {
    const pull = (await facts.readOpenHeads()).get(run.head_sha)
    if (pull !== undefined) return `checks of open pull request #${pull}`
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
