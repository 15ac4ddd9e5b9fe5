/**
 * The clean-up operations measured by `npm run bench`: delete-runs over a retention window that
 * selects about half of the completed runs (a dry run, and a real run with `limit: 200`),
 * delete-artifacts over 2,000 artifacts, delete-caches over 1,000 caches of which many belong to
 * 50 closed pull requests.
 */
import {
  addArtifacts,
  addCaches,
  generateScenario,
  type Scenario,
  type ScenarioRun
} from '../../simulator/index.js'
import { lastAccessOf, pullNumberOfRef } from '../../src/operations/delete-caches/rules.js'
import {
  judgeRetention,
  newestRunFirst,
  retentionGroupKey,
  undecidedWithin,
  type RetentionRun
} from '../../src/operations/delete-runs/rules.js'
import { pages, type BenchCase } from './types.js'

const DAY_MS = 86_400_000
/** delete-runs: runs spread over 60 days, `older-than: 30d`. */
const RUN_DAYS = 60
const RUN_RETENTION_DAYS = 30

/** A generated repository of `size` runs over 60 days, every one completed. */
export function completedRuns(size: number): Scenario {
  const scenario = generateScenario({
    seed: size,
    runsPerRepository: size,
    days: RUN_DAYS,
    jobs: false
  })
  scenario.rateLimit = { limit: 100_000 }
  for (const run of scenario.repositories[0]?.runs ?? []) {
    if (run.status === 'completed') continue
    run.status = 'completed'
    run.conclusion = 'success'
  }
  return scenario
}

/** A scenario run shaped like the API's, as far as the retention rule reads it. */
function asListed(run: ScenarioRun): RetentionRun {
  return { ...run, head_repository: { full_name: run.head_repository } }
}

/**
 * The fewest reads that decide delete-runs' targets within `budget`: every page of the completed
 * runs before the cut-off, then, for the candidates whose group's newest runs may lie after it,
 * the best k pages of the runs after the cut-off (newest first) plus one listing per workflow and
 * head branch still undecided.
 */
function runReads(scenario: Scenario, budget: number): number {
  const cutoff = Date.now() - RUN_RETENTION_DAYS * DAY_MS
  const runs = (scenario.repositories[0]?.runs ?? []).map(asListed)
  const history = runs.filter(run => Date.parse(run.created_at) < cutoff)
  const newer = runs.filter(run => Date.parse(run.created_at) >= cutoff).sort(newestRunFirst)
  const verdicts = judgeRetention(history, { keepLatest: 1, newerCount: () => undefined })
  const undecided = undecidedWithin(verdicts, budget)
  const firstSeen = new Map<string, number>()
  newer.forEach((run, index) => {
    const group = retentionGroupKey(run)
    if (!firstSeen.has(group)) firstSeen.set(group, index)
  })
  const pairsLeft = (k: number): number =>
    new Set(
      undecided
        .filter(run => (firstSeen.get(retentionGroupKey(run)) ?? Infinity) >= k * 100)
        .map(run => JSON.stringify([run.workflow_id, run.head_branch]))
    ).size
  let best = undecided.length === 0 ? 0 : pages(newer.length)
  for (let k = 0; k < pages(newer.length) && undecided.length > 0; k++) {
    best = Math.min(best, k + pairsLeft(k))
  }
  return pages(history.length) + best
}

export const deleteRunsDryRunBench: BenchCase = {
  operation: 'delete-runs',
  name: 'delete-runs-dry-run',
  sizes: [1000, 10000],
  unit: 'completed runs',
  scenario: completedRuns,
  with: () => ({ 'older-than': `${RUN_RETENTION_DAYS}d`, 'dry-run': 'true', limit: '10000' }),
  minimum: scenario => ({
    // And the open pull requests (none): a run would be deleted, so keep-open-pull-requests reads them.
    reads: runReads(scenario, 10_000) + pages(0),
    // A dry run sends no write.
    writes: 0
  })
}

export const deleteRunsLimitBench: BenchCase = {
  operation: 'delete-runs',
  name: 'delete-runs-limit-200',
  sizes: [1000, 10000],
  unit: 'completed runs',
  scenario: completedRuns,
  with: () => ({ 'older-than': `${RUN_RETENTION_DAYS}d`, limit: '200' }),
  minimum: (scenario, run) => ({
    reads: runReads(scenario, 200) + pages(0),
    writes: run.result.filter(r => r.outcome === 'done').length
  })
}

/** delete-artifacts: a generated repository whose newest completed runs uploaded `size` artifacts. */
export const deleteArtifactsBench: BenchCase = {
  operation: 'delete-artifacts',
  sizes: [2000],
  unit: 'artifacts',
  scenario: size => {
    const scenario = generateScenario({
      seed: size,
      runsPerRepository: Math.ceil(size * 0.8),
      days: 30,
      jobs: false
    })
    scenario.rateLimit = { limit: 100_000 }
    const repository = scenario.repositories[0]
    if (repository) addArtifacts(repository, { seed: size, count: size, retentionDays: 21 })
    return scenario
  },
  with: () => ({ 'older-than': '7d', limit: '10000' }),
  minimum: (scenario, run) => {
    const artifacts = scenario.repositories[0]?.artifacts ?? []
    return {
      reads: pages(artifacts.length),
      writes: run.result.filter(r => r.outcome === 'done').length
    }
  }
}

/** delete-caches: `size` caches, half of them on the merge refs of 80 pull requests, 50 closed. */
export const deleteCachesBench: BenchCase = {
  operation: 'delete-caches',
  sizes: [1000],
  unit: 'caches',
  scenario: size => {
    const scenario = generateScenario({ seed: size, runsPerRepository: 10, jobs: false })
    scenario.rateLimit = { limit: 100_000 }
    const repository = scenario.repositories[0]
    if (repository) {
      addCaches(repository, {
        seed: size,
        count: size,
        now: scenario.now ?? new Date().toISOString(),
        pulls: 80,
        closedPulls: 50
      })
    }
    return scenario
  },
  with: () => ({ 'older-than': '7d', 'closed-pull-requests': 'true', limit: '10000' }),
  minimum: (scenario, run) => {
    const cutoff = Date.now() - 7 * DAY_MS
    const caches = scenario.repositories[0]?.caches ?? []
    const old = caches.filter(cache => Date.parse(lastAccessOf(cache) ?? '') < cutoff)
    // Least recently used first, down to the page that shows the first cache past the cut-off.
    const listing = old.length === caches.length ? pages(caches.length) : pages(old.length + 1)
    const pulls = new Set(
      old.map(cache => pullNumberOfRef(cache.ref)).filter(number => number !== undefined)
    )
    return {
      reads: listing + pulls.size,
      writes: run.result.filter(r => r.outcome === 'done').length
    }
  }
}
