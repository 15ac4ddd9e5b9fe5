/**
 * delete-runs with the filters that read more than the runs: `workflow-state: deleted` over a
 * repository of 10,000 completed runs and 20 workflows, four of them deleted (one still listed as
 * deleted, three no longer listed); and a sweep of `acme/*` (1,000 repositories, 20 with work and
 * open pull requests, the others with nothing to delete), where the open pull requests
 * (`keep-open-pull-requests`, the default) are listed only in the repositories with a run to delete.
 */
import { generateOrganization, type Scenario, type ScenarioRun } from '../../simulator/index.js'
import {
  judgeRetention,
  retentionGroupKey,
  type RetentionRun
} from '../../src/operations/delete-runs/rules.js'
import { completedRuns } from './clean-up.js'
import { pages, type BenchCase } from './types.js'

const DAY_MS = 86_400_000
const WORKFLOWS = 20

/**
 * `completedRuns(size)` with its runs spread over 20 workflows: 1–14 active, 15 disabled by hand,
 * 16 disabled for inactivity, 17 listed as deleted, 18–20 removed 45 days ago (no longer listed,
 * their runs all older than that).
 */
function twentyWorkflows(size: number): Scenario {
  const scenario = completedRuns(size)
  const repository = scenario.repositories[0]
  if (!repository) return scenario
  const removedAt = Date.parse(scenario.now ?? '') - 45 * DAY_MS
  repository.workflows = Array.from({ length: WORKFLOWS }, (_, i) => ({
    id: 30_001 + i,
    name: `Workflow ${i + 1}`,
    path: `.github/workflows/workflow-${i + 1}.yml`,
    state:
      i === 14
        ? 'disabled_manually'
        : i === 15
          ? 'disabled_inactivity'
          : i === 16
            ? 'deleted'
            : 'active',
    ...(i >= 17 && { listed: false })
  }))
  repository.runs.forEach((run, index) => {
    const pool = Date.parse(run.created_at) < removedAt ? WORKFLOWS : WORKFLOWS - 3
    run.workflow_id = 30_001 + (index % pool)
  })
  return scenario
}

export const deleteRunsWorkflowStateBench: BenchCase = {
  operation: 'delete-runs',
  name: 'delete-runs-workflow-state',
  sizes: [10_000],
  unit: 'completed runs, 20 workflows, 4 deleted, dry run',
  scenario: twentyWorkflows,
  with: () => ({
    'workflow-state': 'deleted',
    'older-than': '0s',
    'keep-latest': '0',
    'dry-run': 'true',
    limit: '10000'
  }),
  // Every completed run is listed (the runs of a workflow no longer listed can be found no other
  // way), one page of workflows, one page of open pull requests (a run would be deleted).
  minimum: scenario => {
    const repository = scenario.repositories[0]
    const listed = (repository?.workflows ?? []).filter(w => w.listed !== false)
    return {
      reads: pages(repository?.runs.length ?? 0) + pages(listed.length) + pages(0),
      writes: 0
    }
  }
}

const REPOSITORIES = 1000
const WITH_WORK = 20
const TOKEN = 'ghs_sweeper'
const OLDER_THAN_HOURS = 6

/** A scenario run as the listing shows it, as far as the retention rule reads it. */
const asListed = (run: ScenarioRun): RetentionRun => ({
  ...run,
  head_repository: { full_name: run.head_repository }
})

/**
 * Whether keep-latest 1 and the cut-off would delete a run of the repository but for the open
 * pull requests: then, and only then, those are listed.
 */
function wouldDelete(runs: readonly ScenarioRun[], cutoff: number): boolean {
  const completed = runs.filter(run => run.status === 'completed').map(asListed)
  const newer = new Map<string, number>()
  for (const run of completed.filter(run => Date.parse(run.created_at) >= cutoff)) {
    newer.set(retentionGroupKey(run), (newer.get(retentionGroupKey(run)) ?? 0) + 1)
  }
  const history = completed.filter(run => Date.parse(run.created_at) < cutoff)
  return judgeRetention(history, {
    keepLatest: 1,
    newerCount: group => newer.get(group) ?? 0
  }).some(verdict => verdict.verdict === 'delete')
}

export const deleteRunsOrganizationBench: BenchCase = {
  name: 'delete-runs-org',
  operation: 'delete-runs',
  sizes: [REPOSITORIES],
  unit: `repositories, ${WITH_WORK} with work and 3 open pull requests each, dry run`,
  token: TOKEN,
  scenario: size => {
    const scenario = generateOrganization({
      seed: size,
      repositories: size,
      withWork: WITH_WORK,
      quietRuns: 1,
      openPullRequests: 3
    })
    scenario.rateLimit = { limit: 100_000 }
    scenario.tokens[TOKEN] = {
      login: 'sweeper[bot]',
      kind: 'app',
      permissions: { actions: 'write', pull_requests: 'read', metadata: 'read' }
    }
    return scenario
  },
  with: () => ({
    repository: 'acme/*',
    'older-than': `${OLDER_THAN_HOURS}h`,
    'dry-run': 'true',
    limit: '10000'
  }),
  repositories: scenario => scenario.repositories.length,
  // The installation's repositories; per repository its runs (one page holds them all); and the
  // open pull requests of each repository with a run that would otherwise be deleted.
  minimum: scenario => {
    const cutoff = Date.now() - OLDER_THAN_HOURS * 3600_000
    const reads = scenario.repositories.reduce((sum, repository) => {
      const listing = pages(repository.runs.length)
      const open = (repository.pulls ?? []).filter(pull => (pull.state ?? 'open') === 'open')
      return sum + listing + (wouldDelete(repository.runs, cutoff) ? pages(open.length) : 0)
    }, pages(scenario.repositories.length))
    return { reads, writes: 0 }
  }
}
