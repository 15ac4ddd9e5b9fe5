/** One operation measured by `npm run bench`. */
import type { Scenario, Simulator } from '../../simulator/index.js'
import type { ActionRun } from '../lib/runner.js'

export interface BenchCase {
  /** What `npm run bench <name>` picks and the table's title; default the operation. */
  name?: string
  operation: string
  /** Answer latency of the simulator for this case (ms); default the bench's (BENCH_LATENCY_MS). */
  latencyMs?: number
  /**
   * For sweeps over many repositories: how many the step processes. The table then also shows
   * requests per repository and the step's peak resident memory.
   */
  repositories?: (scenario: Scenario) => number
  /** The sizes measured (runs, or repositories for secrets), and what the size counts. */
  sizes: number[]
  unit: string
  /** A generated scenario of that size. */
  scenario: (size: number) => Scenario
  /** The step's `with:` (operation is added). */
  with: (scenario: Scenario) => Record<string, string>
  token?: string
  /**
   * The fewest requests any client could make for this scenario: list pages per needed status,
   * the reads the operation cannot avoid, and one write per target the action acted on.
   */
  minimum: (
    scenario: Scenario,
    run: ActionRun,
    simulator: Simulator
  ) => { reads: number; writes: number }
}

/** Pages of 100 needed to list `count` items (an empty listing still costs one request). */
export const pages = (count: number): number => Math.max(1, Math.ceil(count / 100))

/**
 * The fewest requests that list the runs of one repository with any of `statuses`: one page when
 * every run fits on it (the statuses are then picked from it), else the pages of each status's
 * own listing (a status filter matches a run's status or its conclusion).
 */
export function runListingMinimum(
  runs: ReadonlyArray<{ status: string; conclusion: string | null }>,
  statuses: readonly string[]
): number {
  if (runs.length <= 100) return 1
  return statuses.reduce(
    (sum, status) =>
      sum + pages(runs.filter(run => run.status === status || run.conclusion === status).length),
    0
  )
}
