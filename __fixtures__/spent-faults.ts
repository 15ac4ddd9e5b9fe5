/**
 * Simulators for the fault tests: each test's simulator also has every fault rule the test added
 * checked to be spent in full, so a fault meant for a target the world lacks, or for a request the
 * action never sends, fails the test instead of passing unnoticed.
 */
import { expect } from '@jest/globals'
import { simulatorPerTest } from '../__tests__/lib/simulator-per-test.js'
import type { FaultRule, Scenario, Simulator } from '../simulator/index.js'

/**
 * Registers the per-test teardown of `simulatorPerTest` in the calling file, plus this check after
 * each test: every rule added with `sim.faults.add` (before or during the run) was applied its
 * `times` times. Each request a rule applies to spends one of its `times` and is recorded with
 * its `fault` kind, so the recorded faults add up to the rules' `times` exactly when none is left.
 * @returns `simulate(world)`: starts a simulator on a copy of `world` and returns it.
 */
export function simulatorPerFaultTest(): (world: Scenario) => Promise<Simulator> {
  const added = new WeakMap<Simulator, FaultRule[]>()
  const simulate = simulatorPerTest(sim => {
    const rules = added.get(sim) ?? []
    const applied = sim.requests.filter(request => request.fault !== undefined).length
    const injected = rules.reduce((sum, rule) => sum + rule.times, 0)
    expect({ faultsApplied: applied, rules }).toEqual({ faultsApplied: injected, rules })
  })
  return async world => {
    const sim = await simulate(world)
    const rules: FaultRule[] = []
    added.set(sim, rules)
    const add = sim.faults.add.bind(sim.faults)
    sim.faults.add = (rule: FaultRule): void => {
      add(rule)
      rules.push(rule)
    }
    return sim
  }
}
