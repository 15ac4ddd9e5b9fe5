/**
 * The clean-up operations in the demo: a nightly retention job (runs older than 30 days, keeping
 * the newest 5 of each workflow and branch; artifacts older than 7 days) and the sweep of caches
 * that closed pull requests left behind. The demo scenario covers three days, so each step first
 * adds what piles up over months.
 */
import {
  addArtifacts,
  addCaches,
  generateScenario,
  type Scenario,
  type ScenarioRepository
} from '../../simulator/index.js'
import type { DemoStep } from './types.js'

const DAY_MS = 86_400_000

function web(scenario: Scenario): ScenarioRepository | undefined {
  return scenario.repositories.find(repository => repository.name === 'web')
}

/**
 * Adds 90 days of history to acme/web: 120 completed runs created 30 to 90 days ago (the same
 * workflows, branches and forks as its recent runs), and the artifacts of every completed run,
 * kept 90 days.
 */
function addHistory(scenario: Scenario): void {
  const repository = web(scenario)
  if (!repository) return
  const before = new Date(Date.now() - 30 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const old = generateScenario({
    seed: 30,
    runsPerRepository: 120,
    days: 60,
    now: before,
    jobs: false
  })
  const runs = (old.repositories[0]?.runs ?? []).map((run, index) => ({
    ...run,
    id: 6_000_000_000 + index,
    status: 'completed',
    conclusion: run.conclusion ?? 'success'
  }))
  repository.runs.push(...runs)
  addArtifacts(repository, { seed: 30, count: 1000, retentionDays: 90 })
}

/** Adds 60 caches to acme/web: branch caches and those of 12 pull requests, 7 of them closed. */
function addPullRequestCaches(scenario: Scenario): void {
  const repository = web(scenario)
  if (!repository) return
  addCaches(repository, {
    seed: 7,
    count: 60,
    now: new Date().toISOString(),
    days: 14,
    pulls: 12,
    closedPulls: 7
  })
}

export const deleteRunsNightly: DemoStep = {
  operation: 'delete-runs',
  title:
    'Nightly retention in acme/web: delete runs older than 30 days, keeping the newest 5 of each workflow and branch',
  with: { repository: 'acme/web', 'older-than': '30d', 'keep-latest': '5', limit: '500' },
  prepare: addHistory,
  describe: simulator => {
    const runs = simulator.state.repositories.find(r => r.name === 'web')?.runs ?? []
    const old = runs.filter(run => Date.parse(run.created_at) < Date.now() - 30 * DAY_MS)
    return `acme/web keeps ${runs.length} runs, ${old.length} of them older than 30 days (the newest 5 of their workflow and branch), and ${simulator.state.repositories.find(r => r.name === 'web')?.artifacts?.length ?? 0} artifacts`
  }
}

export const deleteArtifactsNightly: DemoStep = {
  operation: 'delete-artifacts',
  title:
    'Nightly retention in acme/web: delete artifacts older than 7 days, keeping the newest of each name and branch',
  with: { repository: 'acme/web', 'older-than': '7d', limit: '500' },
  prepare: addHistory,
  describe: simulator => {
    const artifacts = simulator.state.repositories.find(r => r.name === 'web')?.artifacts ?? []
    return `${artifacts.length} artifacts left in acme/web`
  }
}

export const deleteCachesOfClosedPulls: DemoStep = {
  operation: 'delete-caches',
  title: 'Delete the caches of closed and merged pull requests in acme/web, of any age',
  with: { repository: 'acme/web', 'older-than': '0s', 'closed-pull-requests': 'true' },
  prepare: addPullRequestCaches,
  describe: simulator => {
    const repository = simulator.state.repositories.find(r => r.name === 'web')
    const closed = new Set(
      (repository?.pulls ?? []).filter(pull => pull.state === 'closed').map(pull => pull.number)
    )
    const left = repository?.caches ?? []
    const ofClosed = left.filter(cache =>
      closed.has(Number(/^refs\/pull\/(\d+)\//.exec(cache.ref)?.[1]))
    )
    return `${left.length} caches left in acme/web, ${ofClosed.length} of them of closed pull requests`
  }
}
