/**
 * One simulator per test. After each test, every request the simulator received must be one
 * GitHub's OpenAPI description accepts, any extra check the file adds must hold, and the simulator
 * is closed (first, so a failed check never leaves a server listening).
 */
import { afterEach, expect } from '@jest/globals'
import { startSimulator, type Scenario, type Simulator } from '../../simulator/index.js'

/**
 * Registers the per-test teardown in the calling file.
 * @param alsoExpect assertions run on the test's simulator after each test, e.g. that the token
 *   never reached the log storage host.
 * @returns `simulate(world)`: starts a simulator on a copy of `world` and returns it.
 */
export function simulatorPerTest(
  alsoExpect?: (sim: Simulator) => void
): (world: Scenario) => Promise<Simulator> {
  let current: Simulator | undefined
  afterEach(async () => {
    const sim = current
    current = undefined
    await sim?.close()
    if (sim) {
      expect(sim.violations).toEqual([])
      alsoExpect?.(sim)
    }
  })
  return async world => {
    current = await startSimulator({ scenario: world })
    return current
  }
}
