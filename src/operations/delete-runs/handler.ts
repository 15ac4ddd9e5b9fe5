/**
 * delete-runs: delete completed workflow runs created before now − `older-than`, except the newest
 * `keep-latest` completed runs of each group (workflow, head branch, head repository); or the one
 * run `run-id` names. Deleting a run deletes its logs and artifacts with it.
 */
import { log } from '../../log.js'
import { statusOf } from '../../boundary/api-errors.js'
import { SEND_ONCE, type Octokit } from '../../boundary/client.js'
import { goneWhen, alreadyDeleted } from '../clean-up.js'
import type { WorkflowRun } from '../../readers/api-types.js'
import { LISTING_CAP, PER_PAGE, STATUS_FILTER_CONCLUSIONS } from '../../github-limits.js'
import type { ErrorVerdict, PlannedWrite } from '../../boundary/mutations.js'
import { matchesAny, matchesLogin } from '../../rules/matching.js'
import { cutoffOf, isBefore, roughAge } from '../../rules/retention.js'
import { judgeRetention, retentionGroupKey, undecidedWithin, type RunVerdict } from './rules.js'
import {
  actorOf,
  listRuns,
  matchesFilters,
  runIdIn,
  totalCountOf,
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
 * that decides something: see `NewerRuns`), and deletes the rest oldest first with `DELETE
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
  const newer = new NewerRuns(octokit, repository, filters, cutoffMs, keepLatest)
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

/** Whether `run` belongs to one of the `workflow` input's workflows (file names or ids). */
function inWorkflows(run: WorkflowRun, workflows: readonly string[]): boolean {
  if (workflows.length === 0) return true
  const file = run.path.split('/').pop() ?? ''
  return workflows.some(workflow => workflow === String(run.workflow_id) || workflow === file)
}

/**
 * What is known of the completed runs created at or after the cut-off, per group: whether a run
 * before the cut-off is among its group's newest `keep-latest` can depend on them. They are read
 * only for the groups where that decides a run, the cheaper of two ways: the rest of one listing
 * of every run after the cut-off (its first page is the probe), or one listing per workflow and
 * head branch (`GET .../workflows/{workflow_id}/runs?branch=…&status=completed&created=>=…`),
 * each read only until its groups are decided.
 */
class NewerRuns {
  private readonly counts = new Map<string, number>()
  private readonly settled = new Set<string>()
  private readonly seen = new Set<number>()
  private complete = false
  /** The probe's `total_count`: completed runs of the listing's scope, before and after the cut-off. */
  private total = 0
  /** Runs after the cut-off the probe showed, and the oldest time on its page. */
  private probed = 0
  private probeOldest: string | undefined

  constructor(
    private readonly octokit: Octokit,
    private readonly repository: RepositoryRef,
    private readonly filters: RunFilters,
    private readonly cutoffMs: number,
    private readonly keepLatest: number
  ) {}

  /** Completed runs of `group` after the cut-off: exact, or at least `keepLatest`; undefined while unknown. */
  count(group: string): number | undefined {
    const counted = this.counts.get(group) ?? 0
    if (this.complete || this.settled.has(group) || counted >= this.keepLatest) return counted
    return undefined
  }

  /**
   * Reads the newest page of completed runs (`GET .../actions/runs?status=completed`, or the one
   * workflow's). When it reaches past the cut-off it shows every run after it.
   * @returns every completed run of the filters' groups before the cut-off when the page holds all
   *   completed runs (one request for a quiet repository), else undefined.
   */
  async probe(): Promise<WorkflowRun[] | undefined> {
    const [workflow, ...others] = this.filters.workflows
    const params = { ...this.repository, status: 'completed' as const, per_page: PER_PAGE }
    const { data } =
      workflow !== undefined && others.length === 0
        ? await this.octokit.rest.actions.listWorkflowRuns({
            ...params,
            workflow_id: /^\d+$/.test(workflow) ? Number(workflow) : workflow
          })
        : await this.octokit.rest.actions.listWorkflowRunsForRepo(params)
    const runs = data.workflow_runs
    this.total = data.total_count
    this.probed = runs.filter(run => this.add(run)).length
    this.probeOldest = runs.at(-1)?.created_at
    if (runs.length >= this.total || runs.some(run => Date.parse(run.created_at) < this.cutoffMs)) {
      this.complete = true
    }
    if (runs.length < this.total) return undefined
    return runs.filter(
      run =>
        isCompleted(run) &&
        Date.parse(run.created_at) < this.cutoffMs &&
        inWorkflows(run, this.filters.workflows) &&
        matchesFilters(run, groupFilters(this.filters))
    )
  }

  /**
   * Reads what decides the groups of `pending` (runs the probe left undecided).
   * @param historyCount completed runs before the cut-off: with the probe's total, an upper
   *   bound on the runs after it, and so on the pages the rest of that listing takes.
   * @throws the API error of a listing.
   */
  async settle(pending: readonly WorkflowRun[], historyCount: number): Promise<void> {
    const pairs = new Map<string, { workflowId: number; branch: string | null; groups: string[] }>()
    for (const run of pending) {
      const group = retentionGroupKey(run)
      if (this.count(group) !== undefined) continue
      const key = JSON.stringify([run.workflow_id, run.head_branch])
      const pair = pairs.get(key) ?? {
        workflowId: run.workflow_id,
        branch: run.head_branch,
        groups: []
      }
      if (!pair.groups.includes(group)) pair.groups.push(group)
      pairs.set(key, pair)
    }
    if (pairs.size === 0) return
    const pagesLeft = Math.ceil(Math.max(0, this.total - historyCount - this.probed) / PER_PAGE)
    const perPair = [...pairs.values()]
    if (pagesLeft <= perPair.length || perPair.some(pair => !pair.branch)) {
      await this.readRest()
      return
    }
    for (const pair of perPair) await this.readPair(pair.workflowId, pair.branch ?? '', pair.groups)
  }

  /** The rest of the listing after the cut-off, below the probe's page (every page, past the cap). */
  private async readRest(): Promise<void> {
    const runs = await listRuns(
      this.octokit,
      this.repository,
      {
        statuses: ['completed'],
        createdAfter: new Date(this.cutoffMs),
        ...(this.probeOldest !== undefined && { createdBefore: new Date(this.probeOldest) })
      },
      groupFilters(this.filters)
    )
    for (const run of runs) this.add(run)
    this.complete = true
  }

  /**
   * One workflow's completed runs on one head branch after the cut-off, newest first, until each
   * of `groups` has `keepLatest` of them or the listing ends. Past GitHub's 1,000-result cap the
   * count stays short, which keeps runs rather than deleting them.
   */
  private async readPair(workflowId: number, branch: string, groups: string[]): Promise<void> {
    const pages = this.octokit.paginate.iterator(this.octokit.rest.actions.listWorkflowRuns, {
      ...this.repository,
      workflow_id: workflowId,
      branch,
      status: 'completed',
      created: `>=${new Date(this.cutoffMs).toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
      per_page: PER_PAGE
    })
    let listed = 0
    for await (const page of pages) {
      const runs = page.data as WorkflowRun[]
      listed += runs.length
      for (const run of runs) this.add(run)
      if (listed >= LISTING_CAP || listed >= (totalCountOf(page) ?? 0)) break
      if (groups.every(group => (this.counts.get(group) ?? 0) >= this.keepLatest)) break
    }
    for (const group of groups) this.settled.add(group)
  }

  /** Counts a completed run after the cut-off once. @returns whether it was counted. */
  private add(run: WorkflowRun): boolean {
    if (!isCompleted(run) || Date.parse(run.created_at) < this.cutoffMs || this.seen.has(run.id)) {
      return false
    }
    this.seen.add(run.id)
    const group = retentionGroupKey(run)
    this.counts.set(group, (this.counts.get(group) ?? 0) + 1)
    return true
  }
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
