import { generateScenario, type ScenarioEnvironment } from '../../simulator/index.js'
import { pages, type BenchCase } from './types.js'

/** How far back a run can still be waiting: a re-run within 30 days, then up to 30 days waiting. */
const WAITING_WINDOW_MS = 60 * 86_400_000

const ENVIRONMENTS: ScenarioEnvironment[] = [
  { id: 301, name: 'staging', reviewers: ['rita'] },
  { id: 302, name: 'production', reviewers: ['rita', 'bob'], wait_timer: 15 },
  { id: 303, name: 'audit', reviewers: ['carol'] }
]

/**
 * What the waiting deploy runs wait on, in turn: most are approvable by rita in one review; one in
 * four also waits on `audit`, which only carol may approve (reviewed in part, skipped in part).
 */
const WAITS = [['staging'], ['staging', 'production'], ['production'], ['staging', 'audit']]

export const reviewDeploymentsBench: BenchCase = {
  operation: 'review-deployments',
  sizes: [100, 1000, 5000],
  unit: 'runs',
  scenario: size => {
    const scenario = generateScenario({
      seed: size,
      runsPerRepository: size,
      activeRuns: Math.round(size / 2),
      jobs: false
    })
    scenario.rateLimit = { limit: 100_000 }
    scenario.tokens.ghp_rita = { login: 'rita', kind: 'user' }
    for (const repository of scenario.repositories) {
      repository.environments = structuredClone(ENVIRONMENTS)
      const deploy = repository.workflows.find(w => w.path.endsWith('/deploy.yml'))?.id
      // Every deploy run still in flight has reached an environment and waits for its review.
      const deploys = repository.runs.filter(
        run => run.workflow_id === deploy && run.status !== 'completed'
      )
      deploys.forEach((run, index) => {
        run.status = 'waiting'
        delete run.completes_after_listed
        run.pending_deployments = (WAITS[index % WAITS.length] ?? []).map(environment => ({
          environment
        }))
      })
    }
    return scenario
  },
  with: () => ({ limit: '10000', comment: 'Approved by the release train' }),
  token: 'ghp_rita',
  minimum: (scenario, run) => {
    // GitHub's status=waiting filter has been seen to return nothing while runs wait, so no status
    // filter can be trusted to find them: every run that can still be waiting is read, newest
    // first, at 100 a page (README); the pending deployments of each waiting run are one read no
    // listing gives; a run left waiting on environments the token may not approve gets its review
    // history read, which its reason promises.
    const since = Date.now() - WAITING_WINDOW_MS
    const listing = scenario.repositories.reduce(
      (sum, repository) =>
        sum + pages(repository.runs.filter(r => Date.parse(r.created_at) >= since).length),
      0
    )
    const runs = scenario.repositories.flatMap(repository => repository.runs)
    const waiting = runs.filter(r => r.status === 'waiting').length
    const blocked = run.result.filter(r => r.reason.includes('may not approve')).length
    return {
      reads: listing + waiting + blocked,
      writes: run.result.filter(r => r.outcome === 'done').length
    }
  }
}
