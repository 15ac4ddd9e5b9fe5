/** Inputs as a step's `with:` would give them, read the way `core.getInput` reads them. */
import type { Environment, InputReader } from '../src/inputs/step-inputs.js'

/** A reader over `with`, defaulting only what every step needs (operation and token). */
export function inputs(withInputs: Record<string, string>): InputReader {
  const all: Record<string, string> = {
    'github-token': 'ghs_test',
    repository: 'acme/web',
    ...withInputs
  }
  return name => all[name] ?? ''
}

/** A minimal runner environment. */
export const runnerEnv: Environment = {
  GITHUB_API_URL: 'http://127.0.0.1:1/api/v3',
  GITHUB_REPOSITORY: 'acme/web',
  GITHUB_RUN_ID: '77'
}
