import type { ScenarioEnvironment } from '../../simulator/index.js'
import type { DemoStep } from './types.js'

const ENVIRONMENTS: ScenarioEnvironment[] = [
  { id: 301, name: 'staging', reviewers: ['rita'] },
  { id: 302, name: 'production', reviewers: ['rita', 'bob'], wait_timer: 15 },
  { id: 303, name: 'audit', reviewers: ['carol'] }
]

/** What each waiting deploy run waits on, newest run first. */
const WAITS = [['staging', 'production'], ['staging'], ['production', 'audit']]

export const reviewDeployments: DemoStep = {
  operation: 'review-deployments',
  title:
    "Approve every pending deployment of acme/web and acme/api that a required reviewer's token may review; skip the rest with the reason",
  token: 'ghp_rita',
  with: {
    repository: 'acme/web\nacme/api',
    comment: 'Approved by the release train'
  },
  prepare: scenario => {
    scenario.tokens.ghp_rita = { login: 'rita', kind: 'user' }
    for (const repository of scenario.repositories) {
      repository.environments = structuredClone(ENVIRONMENTS)
      const deploy = repository.workflows.find(w => w.path.endsWith('/deploy.yml'))?.id
      // The deploy runs still in flight are the ones that reached an environment.
      const active = repository.runs
        .filter(run => run.workflow_id === deploy && run.status !== 'completed')
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
      active.slice(0, WAITS.length).forEach((run, index) => {
        run.status = 'waiting'
        // Production's wait timer started 5 minutes ago, so the summary shows it still running.
        const started = new Date(Date.now() - 5 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
        run.pending_deployments = (WAITS[index] ?? []).map(environment => ({
          environment,
          wait_timer_started_at: started
        }))
      })
    }
  },
  describe: simulator => {
    const runs = simulator.state.repositories.flatMap(repository => repository.runs)
    const reviewed = runs.filter(run => (run.approvals ?? []).length > 0).length
    const waiting = runs.filter(run => run.status === 'waiting').length
    return `${reviewed} runs reviewed; ${waiting} still waiting (on environments this token may not approve)`
  }
}
