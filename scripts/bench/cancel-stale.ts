import { generateScenario } from '../../simulator/index.js'
import { runListingMinimum, type BenchCase } from './types.js'

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
    const reads = scenario.repositories.reduce(
      (sum, repository) => sum + runListingMinimum(repository.runs, ACTIVE),
      0
    )
    return { reads, writes: run.result.filter(r => r.outcome === 'done').length }
  }
}
