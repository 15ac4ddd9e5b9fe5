/**
 * Reading the runs created after given runs, at few requests: one listing of the repository's
 * recent runs decides many at once, and what it leaves undecided shares one listing per workflow
 * and head branch (`readBranchRuns`), each read only until it has decided enough.
 * - rerun-failed (`LaterRunsReader`): which failed runs a newer run of the same workflow and
 *   branch superseded (the failed-run listing alone cannot tell: a newer run that succeeded or is
 *   still running is not in it);
 * - delete-runs (`CompletedRunsAfter`): how many completed runs each group has after the age
 *   cut-off, which decides whether a run before it is among its group's newest `keep-latest`.
 */
import { log } from '../log.js'
import { statusOf } from '../boundary/api-errors.js'
import type { WorkflowRun } from './api-types.js'
import type { Octokit } from '../boundary/client.js'
import { LISTING_CAP, PER_PAGE } from '../github-limits.js'
import {
  branchListingKey,
  type LaterRuns,
  LaterRunsFinder
} from '../operations/rerun-failed/rules.js'
import { oldestOf } from '../rules/ordering.js'
import { inWorkflows, listRuns, matchesFilters, totalCountOf } from './runs.js'
import type { RepositoryRef, RunFilters } from '../settings.js'

/** The later runs of the candidates of one repository, each listing made at most once. */
export class LaterRunsReader {
  private readonly scanned = new Map<number, LaterRuns>()
  private seedPage: { runs: readonly WorkflowRun[]; complete: boolean } | undefined
  /** The candidates the scan left undecided, per branch listing; grouped at the first one. */
  private byBranch: Map<string, WorkflowRun[]> | undefined
  private readonly branchListings = new Map<string, Promise<Map<number, LaterRuns>>>()

  /**
   * @param octokit the invocation's client.
   * @param repository the repository of the candidates.
   * @param candidates the failed runs to decide, as the failed-run listing showed them.
   */
  constructor(
    private readonly octokit: Octokit,
    private readonly repository: RepositoryRef,
    private readonly candidates: readonly WorkflowRun[]
  ) {}

  /**
   * Decides many candidates at once from a listing of every run of the repository created since
   * the oldest candidate, newest first (see `LaterRunsFinder`). The alternative is one listing per
   * workflow and branch with a candidate (`of`), so the scan reads on only while the pages it has
   * left are no more than the candidates still undecided. When it stops early, and the oldest
   * undecided candidate is newer than where the listing started (or GitHub's 1,000-result cap
   * stopped it), the listing restarts below the last run seen and down to that candidate only: its
   * first page tells the exact count left, and is a page the scan needed anyway. A page given to
   * `seed` is read first, and the listing starts below it. A failed scan is logged, not thrown:
   * `of` then asks per branch.
   *
   * Calls `GET /repos/{owner}/{repo}/actions/runs?created=>=…` (or `created=…..…`), 100 per page;
   * nothing when a single branch listing would decide every candidate.
   * @param describe turns a listing error into the line logged.
   */
  async scan(describe: (error: unknown) => string): Promise<void> {
    const finder = new LaterRunsFinder(this.candidates)
    let upper: string | undefined
    if (this.seedPage !== undefined && this.candidates.length > 0) {
      const { runs, complete } = this.seedPage
      const last = runs.at(-1)
      // A page that reaches below the oldest candidate holds every run created after it.
      const reachesOldest =
        last !== undefined &&
        Date.parse(last.created_at) < Date.parse(oldestOf(this.candidates).created_at)
      finder.observe(runs, complete || reachesOldest)
      // That page was read before the failed runs were: the failed-run listing shows a candidate
      // as it is more recently than the page does.
      for (const [id, later] of finder.decided) {
        if (later.newer === undefined) finder.decided.set(id, {})
      }
      upper = last?.created_at
    }
    // With one branch listing to make, the scan cannot cost less, and that listing is narrower.
    const name = `${this.repository.owner}/${this.repository.repo}`
    if (finder.pending.length > 0 && finder.branchListings() >= 2) {
      try {
        await this.scanPages(finder, upper)
      } catch (error) {
        log.info(
          `${name}: listing recent runs failed (${describe(error)}); asking per branch instead`
        )
      }
    }
    for (const [id, later] of finder.decided) this.scanned.set(id, later)
    log.info(
      `${name}: recent runs decided ${finder.decided.size} of ${this.candidates.length} candidates; ${finder.pending.length} left to ${finder.branchListings()} listings per branch`
    )
  }

  /**
   * Takes a page the failed-run listing already read: the newest runs since `lookback`, newest
   * first, of the whole repository or of the one workflow or head branch that listing was
   * narrowed to (never of one event: a run of another event supersedes too). `complete` when it
   * holds all of them. `scan` decides what it can from it and lists only below it.
   */
  seed(runs: readonly WorkflowRun[], complete: boolean): void {
    this.seedPage = { runs, complete }
  }

  /**
   * What the runs after `run` show: a newer run of its group, or itself as it is now. Decided by
   * the scan when it saw enough, else by one listing of the run's workflow and head branch (of any
   * head repository), filtered server-side by `created>=` its oldest candidate, newest first, made
   * once for every candidate of that branch and read only until each of them is decided.
   *
   * Calls `GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs?branch=…&created=>=…`
   * when the scan did not decide `run`.
   * @returns `{}` for a run without a head branch (nothing supersedes it) or one no listing shows.
   * @throws the API error of the branch listing (for every candidate that shares it).
   */
  async of(run: WorkflowRun): Promise<LaterRuns> {
    const seen = this.scanned.get(run.id)
    if (seen !== undefined) return seen
    if (!run.head_branch) return {}
    const key = branchListingKey(run)
    let listing = this.branchListings.get(key)
    if (listing === undefined) {
      this.byBranch ??= this.undecidedByBranch()
      listing = this.listBranch(this.byBranch.get(key) ?? [run])
      this.branchListings.set(key, listing)
    }
    return (await listing).get(run.id) ?? {}
  }

  private undecidedByBranch(): Map<string, WorkflowRun[]> {
    const groups = new Map<string, WorkflowRun[]>()
    for (const run of this.candidates) {
      if (!run.head_branch || this.scanned.has(run.id)) continue
      const key = branchListingKey(run)
      groups.set(key, [...(groups.get(key) ?? []), run])
    }
    return groups
  }

  /** @param start when set, the listing starts at runs created at or before it (see `scan`). */
  private async scanPages(
    finder: LaterRunsFinder<WorkflowRun>,
    start: string | undefined
  ): Promise<void> {
    let upper = start
    for (;;) {
      const lowest = oldestOf(finder.pending)
      const pages = this.octokit.paginate.iterator(
        this.octokit.rest.actions.listWorkflowRunsForRepo,
        {
          ...this.repository,
          created:
            upper === undefined ? `>=${lowest.created_at}` : `${lowest.created_at}..${upper}`,
          exclude_pull_requests: true,
          per_page: PER_PAGE
        }
      )
      let listed = 0
      let last: WorkflowRun | undefined
      let restart = false
      for await (const page of pages) {
        const runs = page.data as WorkflowRun[]
        listed += runs.length
        last = runs[runs.length - 1] ?? last
        const total = totalCountOf(page) ?? 0
        const complete = runs.length < PER_PAGE || listed >= total
        finder.observe(runs, complete)
        if (finder.pending.length === 0 || complete) return
        const capped = listed >= LISTING_CAP
        if (!capped && Math.ceil((total - listed) / PER_PAGE) <= finder.pending.length) continue
        restart =
          last !== undefined &&
          last.created_at !== upper &&
          (capped ||
            Date.parse(oldestOf(finder.pending).created_at) > Date.parse(lowest.created_at))
        break
      }
      if (!restart || last === undefined) return
      // Inclusive, so runs created in the same second are not missed; duplicates collapse by id.
      upper = last.created_at
    }
  }

  /** One listing of the candidates' workflow and branch since the oldest of them. */
  private async listBranch(candidates: readonly WorkflowRun[]): Promise<Map<number, LaterRuns>> {
    const oldest = oldestOf(candidates)
    const finder = new LaterRunsFinder(candidates)
    const decided = await readBranchRuns(
      this.octokit,
      this.repository,
      {
        workflowId: oldest.workflow_id,
        branch: oldest.head_branch ?? '',
        since: oldest.created_at,
        excludePullRequests: true
      },
      (runs, complete) => {
        finder.observe(runs, complete)
        return finder.pending.length === 0
      }
    )
    if (!decided) finder.observe([], true)
    return finder.decided
  }
}

/** One workflow's runs on one head branch created at or after a time. */
export interface BranchRunsQuery {
  workflowId: number
  branch: string
  /** ISO time as the `created` filter takes it (`2026-01-01T00:00:00Z`): runs created at or after it. */
  since: string
  /** A server-side `status` filter, e.g. `completed`. */
  status?: 'completed'
  /** Leave out the runs' `pull_requests` (smaller pages where nothing reads them). */
  excludePullRequests?: boolean
}

/**
 * Lists one workflow's runs on one head branch created at or after `query.since`, newest first,
 * 100 a page, handing each page to `observe` (with whether it is the listing's last) until
 * `observe` returns true, the listing ends, or it reaches GitHub's 1,000-result cap.
 *
 * Calls `GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs?branch=…&created=>=…`
 * (with `status` and `exclude_pull_requests` when asked).
 * @returns true when `observe` said it had decided enough, false when the listing ended first.
 * @throws the API error of a page.
 */
export async function readBranchRuns(
  octokit: Octokit,
  repository: RepositoryRef,
  query: BranchRunsQuery,
  observe: (runs: WorkflowRun[], complete: boolean) => boolean
): Promise<boolean> {
  const pages = octokit.paginate.iterator(octokit.rest.actions.listWorkflowRuns, {
    ...repository,
    workflow_id: query.workflowId,
    branch: query.branch,
    ...(query.status !== undefined && { status: query.status }),
    created: `>=${query.since}`,
    ...(query.excludePullRequests === true && { exclude_pull_requests: true }),
    per_page: PER_PAGE
  })
  let listed = 0
  for await (const page of pages) {
    const runs = page.data as WorkflowRun[]
    listed += runs.length
    const total = totalCountOf(page) ?? 0
    const complete = runs.length < PER_PAGE || listed >= total
    if (observe(runs, complete)) return true
    if (complete || listed >= LISTING_CAP) return false
  }
  return false
}

/** An epoch-milliseconds time as the `created` filter takes it: ISO 8601 to the second. */
function createdFilterTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** What `CompletedRunsAfter` counts, and for which groups. */
export interface CompletedRunsQuery {
  /** The filters that select whole groups (workflow, branch, exclude-branch); no run id. */
  groupFilters: RunFilters
  /** The `workflow` input (file names or ids); the probe lists one workflow's runs when it names one. */
  workflows: readonly string[]
  /** The cut-off, epoch milliseconds: runs created at or after it are counted. */
  cutoffMs: number
  /** A group is decided once this many of its runs are counted. */
  keepLatest: number
  /** The group a run counts in (e.g. workflow, head branch and head repository). */
  groupOf: (run: WorkflowRun) => string
}

/**
 * What is known of the completed runs created at or after a cut-off, per group: whether a run
 * before the cut-off is among its group's newest `keep-latest` can depend on them. They are read
 * only for the groups where that decides a run, the cheaper of two ways: the rest of one listing
 * of every run after the cut-off (its first page is the probe), or one listing per workflow and
 * head branch (`readBranchRuns`), each read only until its groups are decided.
 */
export class CompletedRunsAfter {
  private readonly counts = new Map<string, number>()
  private readonly settled = new Set<string>()
  private readonly seen = new Set<number>()
  private complete = false
  /** The probe's `total_count`: completed runs of the listing's scope, before and after the cut-off. */
  private total = 0
  /** Runs after the cut-off the probe showed, and the oldest time on its page. */
  private probed = 0
  private probeOldest: string | undefined

  private readonly cutoffMs: number
  private readonly keepLatest: number

  constructor(
    private readonly octokit: Octokit,
    private readonly repository: RepositoryRef,
    private readonly query: CompletedRunsQuery
  ) {
    this.cutoffMs = query.cutoffMs
    this.keepLatest = query.keepLatest
  }

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
    const [workflow, ...others] = this.query.workflows
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
        run.status === 'completed' &&
        Date.parse(run.created_at) < this.cutoffMs &&
        inWorkflows(run, this.query.workflows) &&
        matchesFilters(run, this.query.groupFilters)
    )
  }

  /**
   * Reads what decides the groups of `pending` (runs the probe left undecided). A workflow's
   * listing answered 404 (a workflow GitHub no longer lists) turns to the rest of the
   * repository's listing.
   * @param historyCount completed runs before the cut-off: with the probe's total, an upper
   *   bound on the runs after it, and so on the pages the rest of that listing takes.
   * @throws the API error of a listing.
   */
  async settle(pending: readonly WorkflowRun[], historyCount: number): Promise<void> {
    const pairs = new Map<string, { workflowId: number; branch: string | null; groups: string[] }>()
    for (const run of pending) {
      const group = this.query.groupOf(run)
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
    for (const pair of perPair) {
      try {
        await this.readPair(pair.workflowId, pair.branch ?? '', pair.groups)
      } catch (error) {
        // A workflow whose file was removed may no longer be listed, nor its runs by workflow:
        // its runs are still in the repository's listing.
        if (statusOf(error) !== 404) throw error
        await this.readRest()
        return
      }
    }
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
      this.query.groupFilters
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
    await readBranchRuns(
      this.octokit,
      this.repository,
      { workflowId, branch, since: createdFilterTime(this.cutoffMs), status: 'completed' },
      runs => {
        for (const run of runs) this.add(run)
        return groups.every(group => (this.counts.get(group) ?? 0) >= this.keepLatest)
      }
    )
    for (const group of groups) this.settled.add(group)
  }

  /** Counts a completed run after the cut-off once. @returns whether it was counted. */
  private add(run: WorkflowRun): boolean {
    if (
      run.status !== 'completed' ||
      Date.parse(run.created_at) < this.cutoffMs ||
      this.seen.has(run.id)
    ) {
      return false
    }
    this.seen.add(run.id)
    const group = this.query.groupOf(run)
    this.counts.set(group, (this.counts.get(group) ?? 0) + 1)
    return true
  }
}
