/** One operation shown by `npm run demo`: a dry run, then the real run, on the same simulator. */
import type { Scenario, Simulator } from '../../simulator/index.js'

export interface DemoStep {
  operation: string
  /** One sentence on what the step shows. */
  title: string
  /** The step's `with:` (operation is added). */
  with: Record<string, string>
  /** The token `github-token` resolves to (default: the workflow token of the demo scenario). */
  token?: string
  event?: { name: string; payload: unknown }
  /** Adds what this operation needs to the shared demo scenario before the simulator starts. */
  prepare?: (scenario: Scenario) => void
  /** After the real run: a line on what changed in the simulator, read from its state. */
  describe?: (simulator: Simulator) => string
}
