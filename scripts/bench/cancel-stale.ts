import { generateScenario } from '../../simulator/index.js'
import { pages, type BenchCase } from './types.js'

const ACTIVE = ['queued', 'in_progress', 'waiting', 'pending', 'requested']

export const cancelStaleBench: BenchCase = {
  operation: 'cancel-stale',
  sizes: [100, 1000, 5000],
  unit: 'active runs',
  scenario: size => {
    const scenario = generateScenario({
      seed: size,
      runsPerRepository: size,
      activeRuns: size,
      jobs: false
    })
    scenario.rateLimit = { limit: 100_000 }
    return scenario
  },
  with: () => ({ 'stale-after': '2d', limit: '10000' }),
  minimum: (scenario, run) => {
    const runs = scenario.repositories.flatMap(repository => repository.runs)
    const reads = ACTIVE.reduce(
      (sum, status) => sum + pages(runs.filter(r => r.status === status).length),
      0
    )
    return { reads, writes: run.result.filter(r => r.outcome === 'done').length }
  }
}
