import type { DemoStep } from './types.js'

export const cancelStale: DemoStep = {
  operation: 'cancel-stale',
  title:
    'Cancel superseded runs and runs older than 6h in acme/web and acme/api; force-cancel runs that ignore it',
  with: {
    repository: 'acme/web\nacme/api',
    'stale-after': '6h',
    'force-cancel-after': '2m',
    limit: '500'
  },
  describe: simulator => {
    const runs = simulator.state.repositories.flatMap(repository => repository.runs)
    const active = runs.filter(run => run.status !== 'completed').length
    return `${active} runs still active across ${simulator.state.repositories.length} repositories`
  }
}
