/**
 * Simulators per test. After each test, every request each simulator it started received must be
 * one GitHub's OpenAPI description accepts, any extra check the file adds must hold, and every
 * simulator is closed (first, so a failed check never leaves a server listening).
 */
import { afterEach, expect } from '@jest/globals'
import { startSimulator, type Scenario, type Simulator } from '../../simulator/index.js'

/** The simulators started since the last `finish`, so a test that starts several has each checked. */
export class SimulatorsOfATest {
  private started: Simulator[] = []

  /** @param alsoExpect assertions run on each simulator after the OpenAPI check. */
  constructor(private readonly alsoExpect?: (sim: Simulator) => void) {}

  /** Starts a simulator on a copy of `world` and remembers it for `finish`. */
  async start(world: Scenario): Promise<Simulator> {
    const sim = await startSimulator({ scenario: world })
    this.started.push(sim)
    return sim
  }

  /**
   * Closes every simulator started since the last call (each one, even when another fails to
   * close), then checks them in the order they were started.
   * @throws the first failed check (a jest assertion error), else the first error of a close.
   */
  async finish(): Promise<void> {
    const sims = this.started
    this.started = []
    const closed = await Promise.allSettled(sims.map(async sim => sim.close()))
    for (const sim of sims) {
      expect(sim.violations).toEqual([])
      this.alsoExpect?.(sim)
    }
    for (const outcome of closed) if (outcome.status === 'rejected') throw outcome.reason
  }
}

/**
 * Registers the per-test teardown in the calling file.
 * @param alsoExpect assertions run on each of the test's simulators after each test, e.g. that the
 *   token never reached the log storage host.
 * @returns `simulate(world)`: starts a simulator on a copy of `world` and returns it.
 */
export function simulatorPerTest(
  alsoExpect?: (sim: Simulator) => void
): (world: Scenario) => Promise<Simulator> {
  const sims = new SimulatorsOfATest(alsoExpect)
  afterEach(async () => sims.finish())
  return async world => sims.start(world)
}

/** A check for `simulatorPerTest`: the API token never reached the log storage host. */
export function tokenKeptFromLogHost(sim: Simulator): void {
  expect(sim.blobs.requests.filter(r => r.authorization === 'present')).toEqual([])
}
