/**
 * Reading the runs created after failed runs, to tell which of them a newer run of the same
 * workflow and branch superseded, at few requests: one listing of the repository's recent runs
 * decides many candidates at once, and the candidates it leaves undecided share one listing per
 * workflow and branch. The failed-run listing alone cannot tell: a newer run that succeeded or is
 * still running is not in it.
 */
import { log } from '../log.js'
import type { WorkflowRun } from './api-types.js'
import type { Octokit } from '../boundary/client.js'
import { LISTING_CAP, PER_PAGE } from '../github-limits.js'
import {
  branchListingKey,
  type LaterRuns,
  LaterRunsFinder
} from '../operations/rerun-failed/rules.js'
import { oldestOf } from '../rules/ordering.js'
import { totalCountOf } from './runs.js'
import type { RepositoryRef } from '../settings.js'

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
    const pages = this.octokit.paginate.iterator(this.octokit.rest.actions.listWorkflowRuns, {
      ...this.repository,
      workflow_id: oldest.workflow_id,
      branch: oldest.head_branch ?? '',
      created: `>=${oldest.created_at}`,
      exclude_pull_requests: true,
      per_page: PER_PAGE
    })
    let listed = 0
    for await (const page of pages) {
      const runs = page.data as WorkflowRun[]
      listed += runs.length
      const total = totalCountOf(page) ?? 0
      finder.observe(runs, runs.length < PER_PAGE || listed >= total)
      if (finder.pending.length === 0) return finder.decided
    }
    finder.observe([], true)
    return finder.decided
  }
}
