/**
 * Finding workflow runs, shared by every run operation: server-side filters first, every page,
 * the client-side globs after, and no run lost to GitHub's 1,000-result cap.
 */
import { log } from '../log.js'
import { statusOf } from '../boundary/api-errors.js'
import type { WorkflowRun } from './api-types.js'
import type { Octokit } from '../boundary/client.js'
import { sendsConditionalRequests } from '../boundary/conditional.js'
import { LISTING_CAP, PER_PAGE } from '../github-limits.js'
import { matchesAny, matchesLogin } from '../rules/matching.js'
import { newestFirst } from '../rules/ordering.js'
import { fullName, type RepositoryRef, type RunFilters } from '../settings.js'
/** A value of the listing's `status` filter (a status or a conclusion). */
export type RunStatusFilter = NonNullable<
  NonNullable<Parameters<Octokit['rest']['actions']['listWorkflowRunsForRepo']>[0]>['status']
>

/** The statuses of runs that have not completed. */
export const ACTIVE_STATUSES = ['queued', 'in_progress', 'waiting', 'pending', 'requested'] as const

/** A status of a run that has not completed. */
export type ActiveStatus = (typeof ACTIVE_STATUSES)[number]

/**
 * The run `filters` ask for in `repository`: `runId` belongs to `runIdRepository` (compared
 * case-insensitively, as GitHub does), and every other repository is scanned.
 * @returns the run id, or undefined when `repository` is to be scanned.
 */
export function runIdIn(filters: RunFilters, repository: RepositoryRef): number | undefined {
  const owned = filters.runIdRepository
  if (owned === undefined) return filters.runId
  return owned.toLowerCase() === fullName(repository).toLowerCase() ? filters.runId : undefined
}

/**
 * The run `run-id` names is not there: GitHub answered 404 for it. Deleted runs, runs of another
 * repository, and repositories the token cannot see all answer so.
 */
export class RunNotFoundError extends Error {
  constructor(
    readonly runId: number,
    repository: RepositoryRef
  ) {
    const name = fullName(repository)
    super(
      `workflow run ${runId} was not found in ${name} (404). Check that 'run-id' is the number in the run's URL (…/${name}/actions/runs/${runId}) and that the run belongs to ${name} and was not deleted; a token that cannot read ${name} gets the same answer.`
    )
    this.name = 'RunNotFoundError'
  }
}

/** What to ask the server for; every field is a server-side filter. */
export interface RunQuery {
  /**
   * One request series per status (the API takes one; it matches status or conclusion). Absent:
   * one series without a status filter, every run, the status to be checked by the caller.
   */
  statuses?: readonly RunStatusFilter[]
  /** Lower bound on `created_at`, sent as `created=>=…`. */
  createdAfter?: Date
  /** Upper bound on `created_at`, inclusive (to the second), sent as `created=<=…` or `A..B`. */
  createdBefore?: Date
  /**
   * The caller has seen more runs than one page holds in this listing: the first page without a
   * status filter would only repeat that, so the series are asked at once.
   */
  manyRuns?: boolean
}

/**
 * What a listing cost, and what it saw beyond the runs asked for; filled in by `listRuns`.
 */
export interface ListingReport {
  /** Requests sent (pages, and the first page of each listing). */
  requests: number
  /**
   * Every run the first pages showed, whatever their status, newest first, when those pages held
   * the whole listing (no event filter sent, so they are all runs of the workflows since
   * `createdAfter`); undefined otherwise.
   */
  everyRun?: WorkflowRun[]
  /**
   * When the listing holds more than one page: its first page without a status filter, newest
   * first (the newest runs since `createdAfter`; of the one workflow or branch the filters name,
   * never of one event), for a caller that reads the same runs further down. Undefined otherwise.
   */
  firstPage?: WorkflowRun[]
}

/**
 * Lists the runs of one repository that match the query and the common filters, newest first,
 * each run once. With `filters.runId` (in the repository it belongs to, see `runIdIn`) only that
 * run is fetched (and the filters are not applied: the caller asked for it by id).
 *
 * With `query.statuses`, per workflow (or once, for every workflow), one first page without a
 * status filter comes first: `GET /repos/{owner}/{repo}/actions/runs` or
 * `GET .../actions/workflows/{workflow_id}/runs`, 100 per page, with `created` (`createdAfter`,
 * `createdBefore`), a single `event` and a single literal `branch` when the filters give them.
 * When its `total_count` is at most 100, every run is on that page and the statuses are picked on
 * the client (a status filter matches a run's status or its conclusion, as GitHub's does), so a
 * quiet repository costs one request whatever the number of statuses. Otherwise the listing goes
 * on as one series per status × event (× branch when it is a single literal name), 100 per page.
 * Without `query.statuses` the one series is the listing without a status filter. When a
 * filtered series hits the 1,000-result cap it goes on with `created<=` the oldest run seen, until
 * `total_count` is reached.
 * @param report when given, receives the requests made and (see `ListingReport`) every run seen.
 * @throws {@link RunNotFoundError} when the run of `run-id` is answered 404; the API error of any
 *   other request (the caller reports it for the repository).
 */
export async function listRuns(
  octokit: Octokit,
  repository: RepositoryRef,
  query: RunQuery,
  filters: RunFilters,
  report: ListingReport = { requests: 0 }
): Promise<WorkflowRun[]> {
  const runId = runIdIn(filters, repository)
  if (runId !== undefined) {
    report.requests += 1
    try {
      const { data } = await octokit.rest.actions.getWorkflowRun({ ...repository, run_id: runId })
      return [data]
    } catch (error) {
      if (statusOf(error) === 404) throw new RunNotFoundError(runId, repository)
      throw error
    }
  }
  const workflows: Array<string | undefined> =
    filters.workflows.length > 0 ? filters.workflows : [undefined]
  const events: Array<string | undefined> = filters.events.length > 0 ? filters.events : [undefined]
  const branch = serverSideBranch(filters.branches)
  const { statuses } = query
  // One event goes to the server; several are picked on the client from one first page.
  const [onlyEvent, ...otherEvents] = filters.events
  const firstPageEvent = otherEvents.length === 0 ? onlyEvent : undefined
  const seen = new Map<number, WorkflowRun>()
  let everyRun: WorkflowRun[] | undefined =
    statuses !== undefined && firstPageEvent === undefined ? [] : undefined
  // With a state file, a first page filtered by `created>=` (a time that moves with the clock)
  // could never be answered 304: the first page is asked without it (see `listFirstPage`).
  const stable =
    query.createdAfter !== undefined &&
    query.createdBefore === undefined &&
    query.manyRuns !== true &&
    sendsConditionalRequests(octokit)
  for (const workflow of workflows) {
    // Without statuses the listing is unfiltered already: its first page is the series' own,
    // unless that series moves with the clock.
    const first =
      (statuses === undefined && !stable) || query.manyRuns === true
        ? undefined
        : await listFirstPage(
            octokit,
            workflow,
            {
              ...repository,
              ...(firstPageEvent !== undefined && { event: firstPageEvent }),
              ...(branch !== undefined && { branch })
            },
            query,
            report,
            stable
          )
    const whole = first?.whole === true ? first.runs : undefined
    if (
      first !== undefined &&
      !first.whole &&
      workflows.length === 1 &&
      firstPageEvent === undefined
    ) {
      report.firstPage = first.runs
    }
    if (whole !== undefined) {
      everyRun?.push(...whole)
      for (const run of whole) {
        if (
          statuses === undefined ||
          statuses.some(status => run.status === status || run.conclusion === status)
        ) {
          seen.set(run.id, run)
        }
      }
      continue
    }
    everyRun = undefined
    // A series without a status filter goes on below the first page it already has.
    const below =
      statuses === undefined && first !== undefined ? first.runs.at(-1)?.created_at : undefined
    if (below !== undefined) for (const run of first?.runs ?? []) seen.set(run.id, run)
    const seriesQuery = below === undefined ? query : { ...query, createdBefore: new Date(below) }
    for (const event of events) {
      for (const status of statuses ?? [undefined]) {
        const params = {
          ...repository,
          ...(status !== undefined && { status }),
          ...(event !== undefined && { event }),
          ...(branch !== undefined && { branch })
        }
        for (const run of await listSeries(octokit, workflow, params, seriesQuery, report)) {
          seen.set(run.id, run)
        }
      }
    }
  }
  if (everyRun !== undefined) report.everyRun = everyRun.sort(newestFirst)
  return [...seen.values()].filter(run => matchesFilters(run, filters)).sort(newestFirst)
}

/**
 * The first page of a listing without a status filter, and whether it holds the whole listing
 * (`total_count` at most 100). When `stable`, the page is asked without the `created>=` bound
 * (its URL then stays the same from one run to the next, so a state file can revalidate it); it
 * holds the whole listing when it also reaches below the bound, and only its runs since the bound
 * are returned: the same runs, in the same order, as the bounded page would hold.
 */
async function listFirstPage(
  octokit: Octokit,
  workflow: string | undefined,
  params: RepositoryRef & { event?: string; branch?: string },
  { createdAfter, createdBefore }: Pick<RunQuery, 'createdAfter' | 'createdBefore'>,
  report: ListingReport,
  stable = false
): Promise<{ runs: WorkflowRun[]; whole: boolean }> {
  const created = stable
    ? undefined
    : createdRange(
        createdAfter,
        createdBefore === undefined ? undefined : isoSeconds(createdBefore)
      )
  const request = { ...params, per_page: PER_PAGE, ...(created !== undefined && { created }) }
  report.requests += 1
  const { data } =
    workflow === undefined
      ? await octokit.rest.actions.listWorkflowRunsForRepo(request)
      : await octokit.rest.actions.listWorkflowRuns({
          ...request,
          workflow_id: /^\d+$/.test(workflow) ? Number(workflow) : workflow
        })
  const runs = data.workflow_runs as WorkflowRun[]
  const complete = data.total_count <= PER_PAGE && runs.length >= data.total_count
  if (!stable || createdAfter === undefined) return { runs, whole: complete }
  // GitHub compares `created` to the second.
  const bound = Date.parse(isoSeconds(createdAfter))
  const last = runs.at(-1)
  return {
    runs: runs.filter(run => Date.parse(run.created_at) >= bound),
    whole: complete || (last !== undefined && Date.parse(last.created_at) < bound)
  }
}

type SeriesParams = RepositoryRef & { status?: RunStatusFilter; event?: string; branch?: string }

async function listSeries(
  octokit: Octokit,
  workflow: string | undefined,
  params: SeriesParams,
  { createdAfter, createdBefore: upTo }: Pick<RunQuery, 'createdAfter' | 'createdBefore'>,
  report: ListingReport
): Promise<WorkflowRun[]> {
  const runs = new Map<number, WorkflowRun>()
  let createdBefore = upTo === undefined ? undefined : isoSeconds(upTo)
  for (;;) {
    const created = createdRange(createdAfter, createdBefore)
    const request = {
      ...params,
      per_page: PER_PAGE,
      ...(created !== undefined && { created })
    }
    // GitHub caps only filtered listings; `workflow_id` is part of the path, not a filter.
    const capped = Object.keys(request).some(key => CAPPING_FILTERS.includes(key))
    let listed = 0
    let totalCount = 0
    let oldest: string | undefined
    const pages =
      workflow === undefined
        ? octokit.paginate.iterator(octokit.rest.actions.listWorkflowRunsForRepo, request)
        : octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, {
            ...request,
            workflow_id: /^\d+$/.test(workflow) ? Number(workflow) : workflow
          })
    for await (const page of pages) {
      report.requests += 1
      totalCount = totalCountOf(page) ?? totalCount
      for (const run of page.data as WorkflowRun[]) {
        listed += 1
        runs.set(run.id, run)
        oldest = run.created_at
      }
      // The page past the cap would come back empty; don't ask for it.
      if (capped && listed >= LISTING_CAP) break
    }
    // A filtered listing stops at 1,000 results even when total_count is larger; continue below
    // the oldest run seen (inclusive, so runs created in the same second are not skipped;
    // duplicates collapse by id).
    if (!capped || listed < LISTING_CAP || totalCount <= listed || oldest === undefined) break
    const which = params.status === undefined ? 'runs' : `runs with status ${params.status}`
    if (createdBefore === oldest) {
      log.warning(
        `More than ${LISTING_CAP} ${which} of ${params.owner}/${params.repo} were created at ${oldest}; some may be missed.`
      )
      break
    }
    log.info(
      `${params.owner}/${params.repo}: ${totalCount} ${which}, more than GitHub lists at once; continuing with runs created up to ${oldest}.`
    )
    createdBefore = oldest
  }
  return [...runs.values()]
}

/**
 * The `total_count` of a page of a run listing. Octokit's paginate hands each page's runs as
 * `data`, with the listing's `total_count` kept on that array.
 */
export function totalCountOf(page: { data: unknown }): number | undefined {
  return (page.data as { total_count?: number }).total_count
}

/** A time as GitHub's search syntax takes it, to the second (a fraction is dropped). */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function createdRange(after: Date | undefined, before: string | undefined): string | undefined {
  const from = after === undefined ? undefined : isoSeconds(after)
  if (from !== undefined && before !== undefined) return `${from}..${before}`
  if (from !== undefined) return `>=${from}`
  if (before !== undefined) return `<=${before}`
  return undefined
}

/** The listing parameters after which GitHub returns at most `LISTING_CAP` runs. */
const CAPPING_FILTERS = [
  'actor',
  'branch',
  'check_suite_id',
  'created',
  'event',
  'head_sha',
  'status'
]

const GLOB_CHARS = /[*?[\]{}!]/

/** A single literal branch name can be filtered by the server; globs cannot. */
function serverSideBranch(branches: string[]): string | undefined {
  const [only, ...rest] = branches
  return only !== undefined && rest.length === 0 && !GLOB_CHARS.test(only) ? only : undefined
}

/** The login the `actor` filter and trust checks look at: who triggered this attempt, else who started the run. */
export function actorOf(run: Pick<WorkflowRun, 'actor' | 'triggering_actor'>): string {
  return run.triggering_actor?.login ?? run.actor?.login ?? ''
}

/**
 * The client-side part of the common filters: branch globs, exclude-branch globs, actor globs,
 * and (when several were given) events and workflows, which the server already narrowed.
 */
export function matchesFilters(
  run: Pick<WorkflowRun, 'head_branch' | 'actor' | 'triggering_actor' | 'event'>,
  filters: RunFilters
): boolean {
  const branch = run.head_branch ?? ''
  if (filters.branches.length > 0 && !matchesAny(branch, filters.branches)) return false
  if (filters.excludeBranches.length > 0 && matchesAny(branch, filters.excludeBranches))
    return false
  if (filters.actors.length > 0 && !matchesLogin(actorOf(run), filters.actors)) return false
  if (filters.events.length > 0 && !filters.events.includes(run.event)) return false
  return true
}

/** Whether `run` belongs to one of the `workflow` input's workflows (file names or ids). */
export function inWorkflows(
  run: Pick<WorkflowRun, 'path' | 'workflow_id'>,
  workflows: readonly string[]
): boolean {
  if (workflows.length === 0) return true
  const file = run.path.split('/').pop() ?? ''
  return workflows.some(workflow => workflow === String(run.workflow_id) || workflow === file)
}
