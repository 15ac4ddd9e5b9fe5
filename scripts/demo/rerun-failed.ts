import type { Scenario } from '../../simulator/index.js'
import type { DemoStep } from './types.js'

/** A failed run on a branch of its own whose `test` job failed with a network timeout: a flaky one. */
function addFlakyRun(scenario: Scenario): void {
  const web = scenario.repositories.find(repository => repository.name === 'web')
  const workflow = web?.workflows[0]
  if (!web || !workflow) return
  const created = new Date(Date.parse(scenario.now ?? new Date().toISOString()) - 20 * 60_000)
  const at = created.toISOString().replace(/\.\d{3}Z$/, 'Z')
  const id = Math.max(...web.runs.map(run => run.id)) + 1
  web.runs.push({
    id,
    workflow_id: workflow.id,
    head_branch: 'fix/flaky-upload',
    head_sha: id.toString(16).padStart(40, '0'),
    event: 'push',
    status: 'completed',
    conclusion: 'failure',
    run_attempt: 1,
    run_number: id % 100_000,
    created_at: at,
    actor: 'alice',
    head_repository: `${web.owner}/${web.name}`,
    jobs: [
      { id: id * 10 + 1, name: 'build', status: 'completed', conclusion: 'success', log: '' },
      {
        id: id * 10 + 2,
        name: 'test',
        status: 'completed',
        conclusion: 'failure',
        log: `${at} Run npm test\n${at} Error: read ETIMEDOUT\n${at} ##[error]Process completed with exit code 1.\n`
      }
    ]
  })
}

export const rerunFailed: DemoStep = {
  operation: 'rerun-failed',
  title:
    'Re-run runs of the last 3 days in acme/web and acme/api that failed or timed out with a network error in a log; guards skip the rest',
  with: {
    repository: 'acme/web\nacme/api',
    lookback: '3d',
    conclusions: 'failure, timed_out',
    'log-pattern': 'ECONNRESET|ETIMEDOUT|shutdown signal',
    limit: '500'
  },
  prepare: addFlakyRun,
  describe: simulator => {
    const rerun = simulator.state.repositories.flatMap(repository =>
      repository.runs.filter(run => (run.reruns ?? []).length > 0)
    )
    const leaked = simulator.blobs.requests.filter(r => r.authorization === 'present').length
    return `${rerun.length} run${rerun.length === 1 ? '' : 's'} got a new attempt (${rerun.map(run => run.id).join(', ')}); ${simulator.blobs.requests.length} log downloads from the log host, ${leaked} with a token`
  }
}
