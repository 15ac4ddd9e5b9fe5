/** What the command line runs with, and the exit statuses it ends with. */
import type { Environment } from '../../inputs/step-inputs.js'
import type { CommandRunner } from './environment.js'

/** Exit statuses. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

/** What the command line runs with; the process's own by default. */
export interface Io {
  argv: readonly string[]
  env: Environment
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
  /** Starts `gh` and `git` (tests give a stand-in). */
  run?: CommandRunner
}
