/**
 * Finding workflow runs, shared by every run operation: server-side filters first, every page,
 * the client-side globs after, and no run lost to GitHub's 1,000-result cap.
 */
import * as core from '@actions/core'
import { minimatch } from 'minimatch'
import type { Octokit } from './client.js'
import type { RepositoryRef, RunFilters } from './settings.js'

export type WorkflowRun = Awaited<ReturnType<Octokit['rest']['actions']['getWorkflowRun']>>['data']
/** A value of the listing's `status` filter (a status or a conclusion). */
export type RunStatusFilter = NonNullable<
  NonNullable<Parameters<Octokit['rest']['actions']['listWorkflowRunsForRepo']>[0]>['status']
>

/** The statuses of runs that have not completed. */
export const ACTIVE_STATUSES = ['queued', 'in_progress', 'waiting', 'pending', 'requested'] as const

/** GitHub returns at most this many runs for a filtered listing, whatever `total_count` says. */
export const LISTING_CAP = 1000
const PER_PAGE = 100

/**
 * The run `filters` ask for in `repository`: `runId` belongs to `runIdRepository` (compared
 * case-insensitively, as GitHub does), and every other repository is scanned.
 * @returns the run id, or undefined when `repository` is to be scanned.
 */
export function runIdIn(filters: RunFilters, repository: RepositoryRef): number | undefined {
  const owned = filters.runIdRepository
  if (owned === undefined) return filters.runId
  return owned.toLowerCase() === `${repository.owner}/${repository.repo}`.toLowerCase()
    ? filters.runId
    : undefined
}

/** What to ask the server for; every field is a server-side filter. */
export interface RunQuery {
  /** One request series per status (the API takes one; it matches status or conclusion). */
  statuses: readonly RunStatusFilter[]
  /** Lower bound on `created_at`, sent as `created=>=…`. */
  createdAfter?: Date
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
}

/**
 * Lists the runs of one repository that match the query and the common filters, newest first,
 * each run once. With `filters.runId` (in the repository it belongs to, see `runIdIn`) only that
 * run is fetched (and the filters are not applied: the caller asked for it by id).
 *
 * Per workflow (or once, for every workflow), one first page without a status filter comes first:
 * `GET /repos/{owner}/{repo}/actions/runs` or `GET .../actions/workflows/{workflow_id}/runs`,
 * 100 per page, with `created>=` (`createdAfter`), a single `event` and a single literal `branch`
 * when the filters give them. When its `total_count` is at most 100, every run is on that page
 * and the statuses are picked on the client (a status filter matches a run's status or its
 * conclusion, as GitHub's does), so a quiet repository costs one request whatever the number of
 * statuses. Filters such as `created` cap a listing at 1,000 results, which cannot matter to a
 * listing of at most 100. Otherwise the listing goes on as one series per status × event
 * (× branch when it is a single literal name), 100 per page; when a series hits the 1,000-result
 * cap it goes on with `created<=` the oldest run seen, until `total_count` is reached.
 * @param report when given, receives the requests made and (see `ListingReport`) every run seen.
 * @throws the API error of any page (the caller reports it for the repository).
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
    const { data } = await octokit.rest.actions.getWorkflowRun({ ...repository, run_id: runId })
    return [data]
  }
  const workflows: Array<string | undefined> =
    filters.workflows.length > 0 ? filters.workflows : [undefined]
  const events: Array<string | undefined> = filters.events.length > 0 ? filters.events : [undefined]
  const branch = serverSideBranch(filters.branches)
  // One event goes to the server; several are picked on the client from one first page.
  const [onlyEvent, ...otherEvents] = filters.events
  const firstPageEvent = otherEvents.length === 0 ? onlyEvent : undefined
  const seen = new Map<number, WorkflowRun>()
  let everyRun: WorkflowRun[] | undefined = firstPageEvent === undefined ? [] : undefined
  for (const workflow of workflows) {
    const whole = await listWhole(
      octokit,
      workflow,
      {
        ...repository,
        ...(firstPageEvent !== undefined && { event: firstPageEvent }),
        ...(branch !== undefined && { branch })
      },
      query.createdAfter,
      report
    )
    if (whole !== undefined) {
      everyRun?.push(...whole)
      for (const run of whole) {
        if (query.statuses.some(status => run.status === status || run.conclusion === status)) {
          seen.set(run.id, run)
        }
      }
      continue
    }
    everyRun = undefined
    for (const event of events) {
      for (const status of query.statuses) {
        const params = {
          ...repository,
          status,
          ...(event !== undefined && { event }),
          ...(branch !== undefined && { branch })
        }
        for (const run of await listSeries(octokit, workflow, params, query.createdAfter, report)) {
          seen.set(run.id, run)
        }
      }
    }
  }
  if (everyRun !== undefined) report.everyRun = everyRun.sort(newestFirst)
  return [...seen.values()].filter(run => matchesFilters(run, filters)).sort(newestFirst)
}

/**
 * The first page of a listing without a status filter, when it holds the whole listing
 * (`total_count` at most 100); undefined when more runs follow.
 */
async function listWhole(
  octokit: Octokit,
  workflow: string | undefined,
  params: RepositoryRef & { event?: string; branch?: string },
  createdAfter: Date | undefined,
  report: ListingReport
): Promise<WorkflowRun[] | undefined> {
  const created = createdRange(createdAfter, undefined)
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
  return data.total_count <= PER_PAGE && runs.length >= data.total_count ? runs : undefined
}

type SeriesParams = RepositoryRef & { status: RunStatusFilter; event?: string; branch?: string }

async function listSeries(
  octokit: Octokit,
  workflow: string | undefined,
  params: SeriesParams,
  createdAfter: Date | undefined,
  report: ListingReport
): Promise<WorkflowRun[]> {
  const runs = new Map<number, WorkflowRun>()
  let createdBefore: string | undefined
  for (;;) {
    const created = createdRange(createdAfter, createdBefore)
    const request = {
      ...params,
      per_page: PER_PAGE,
      ...(created !== undefined && { created })
    }
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
      if (listed >= LISTING_CAP) break
    }
    // Every listing here is filtered by status, so GitHub stops at 1,000 results even when
    // total_count is larger; continue below the oldest run seen (inclusive, so runs created in the
    // same second are not skipped; duplicates collapse by id).
    if (listed < LISTING_CAP || totalCount <= listed || oldest === undefined) break
    if (createdBefore === oldest) {
      core.warning(
        `More than ${LISTING_CAP} runs of ${params.owner}/${params.repo} with status ${params.status} were created at ${oldest}; some may be missed.`
      )
      break
    }
    core.info(
      `${params.owner}/${params.repo}: ${totalCount} runs with status ${params.status}, more than GitHub lists at once; continuing with runs created up to ${oldest}.`
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

function createdRange(after: Date | undefined, before: string | undefined): string | undefined {
  const from = after?.toISOString().replace(/\.\d{3}Z$/, 'Z')
  if (from !== undefined && before !== undefined) return `${from}..${before}`
  if (from !== undefined) return `>=${from}`
  if (before !== undefined) return `<=${before}`
  return undefined
}

const GLOB_CHARS = /[*?[\]{}!]/

/** A single literal branch name can be filtered by the server; globs cannot. */
function serverSideBranch(branches: string[]): string | undefined {
  const [only, ...rest] = branches
  return only !== undefined && rest.length === 0 && !GLOB_CHARS.test(only) ? only : undefined
}

/** True when `value` matches one of the globs (minimatch; `*` stops at `/`, `**` does not). */
export function matchesAny(value: string, globs: readonly string[]): boolean {
  return globs.some(glob => minimatch(value, glob, { dot: true }))
}

/**
 * True when a login matches one of the globs. Logins hold no brackets except a bot's `[bot]`
 * suffix, so brackets in these globs are literal: as a character class, `dependabot[bot]` would
 * match the user `dependabotb` and miss the bot.
 */
export function matchesLogin(login: string, globs: readonly string[]): boolean {
  return matchesAny(
    login,
    globs.map(glob => glob.replace(/(?<!\\)[[\]]/g, '\\$&'))
  )
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

/** Orders runs newest first: by `created_at`, then by id. */
export function newestFirst(
  a: Pick<WorkflowRun, 'created_at' | 'id'>,
  b: Pick<WorkflowRun, 'created_at' | 'id'>
): number {
  const byTime = Date.parse(b.created_at) - Date.parse(a.created_at)
  return byTime !== 0 ? byTime : b.id - a.id
}
