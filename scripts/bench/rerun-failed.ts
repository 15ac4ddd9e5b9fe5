import { generateScenario, type ScenarioRun } from '../../simulator/index.js'
import {
  branchListingKey,
  cheapSkipReason,
  supersededWithin,
  supersessionKey
} from '../../src/operations/rerun-failed/rules.js'
import type { WorkflowRun } from '../../src/readers/api-types.js'
import { newestFirst } from '../../src/rules/ordering.js'
import { pages, runListingMinimum, type BenchCase } from './types.js'

const CONCLUSIONS = ['failure', 'timed_out', 'cancelled']
const LOOKBACK_DAYS = 4
const MAX_ATTEMPTS = 3

/** A scenario run shaped like the API's, as far as the guards read it. */
function asListed(run: ScenarioRun): WorkflowRun {
  return {
    ...run,
    head_repository: { full_name: run.head_repository ?? '' }
  } as unknown as WorkflowRun
}

/**
 * The fewest requests that tell each candidate whether a newer run of its group exists: k pages
 * of every run newest first (a candidate is decided once its group's newest run or the candidate
 * itself was listed), plus one listing per workflow and branch with a candidate still undecided
 * (it shows every head repository's runs of that branch), over the best k.
 */
function fewestToDecide(candidates: WorkflowRun[], runs: WorkflowRun[]): number {
  const order = [...runs].sort(newestFirst)
  const position = new Map(order.map((r, i) => [r.id, i]))
  const firstOfGroup = new Map<string, number>()
  order.forEach((r, i) => {
    const key = supersessionKey(r)
    if (key !== undefined && !firstOfGroup.has(key)) firstOfGroup.set(key, i)
  })
  // The page (0-based) on which each candidate is decided.
  const decidedOn = candidates.map(c => {
    const at = Math.min(
      position.get(c.id) ?? Infinity,
      firstOfGroup.get(supersessionKey(c) ?? '') ?? Infinity
    )
    return Math.floor(at / 100)
  })
  const branchListings = (k: number): number =>
    new Set(candidates.filter((_, i) => (decidedOn[i] ?? 0) >= k).map(branchListingKey)).size
  let best = branchListings(0)
  for (let k = 1; k <= pages(order.length); k++) best = Math.min(best, k + branchListings(k))
  return best
}

/**
 * rerun-failed with its defaults (skip-superseded on, no job-filter or log-pattern) over every
 * failed conclusion of the last 4 days of a generated repository (100, 1,000 and 5,000 runs).
 */
export const rerunFailedBench: BenchCase = {
  operation: 'rerun-failed',
  sizes: [100, 1000, 5000],
  unit: 'runs',
  scenario: size => {
    const scenario = generateScenario({ seed: size, runsPerRepository: size, jobs: false })
    scenario.rateLimit = { limit: 100_000 }
    return scenario
  },
  with: () => ({
    lookback: `${LOOKBACK_DAYS}d`,
    conclusions: CONCLUSIONS.join(', '),
    'max-attempts': String(MAX_ATTEMPTS),
    limit: '10000'
  }),
  minimum: (scenario, run) => {
    const now = new Date()
    const since = now.getTime() - LOOKBACK_DAYS * 86_400_000
    let reads = 0
    for (const repository of scenario.repositories) {
      const recent = repository.runs.filter(r => Date.parse(r.created_at) >= since)
      // Every run since lookback on one page: the failed runs and their newer runs, all at once.
      if (recent.length <= 100) {
        reads += 1
        continue
      }
      // One listing series per conclusion: GitHub's `status` filter takes one value.
      reads += runListingMinimum(recent, CONCLUSIONS)
      // Unavoidable: whether a newer run of the same workflow and branch exists. A newer run that
      // succeeded or still runs is not in the failed listings, so each candidate (the newest
      // failed run of its group that passed the cheap guards) needs a listing of its group, or a
      // listing of every run newest first that reaches it or a newer run of its group. The
      // fewest: the best k pages of that listing plus one listing per branch still undecided.
      const listed = recent.filter(r => CONCLUSIONS.includes(r.conclusion ?? '')).map(asListed)
      const superseded = supersededWithin(listed)
      const candidates = listed.filter(
        r =>
          !superseded.has(r.id) &&
          supersessionKey(r) !== undefined &&
          cheapSkipReason(r, { now, maxAttempts: MAX_ATTEMPTS, conclusions: CONCLUSIONS }) ===
            undefined
      )
      reads += fewestToDecide(candidates, recent.map(asListed))
    }
    return { reads, writes: run.result.filter(r => r.outcome === 'done').length }
  }
}
