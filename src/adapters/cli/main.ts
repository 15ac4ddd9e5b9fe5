/**
 * The command line's front door: parses the command line and answers `--help` and `--version`
 * from the definition alone; a command to run loads the operations (`run.ts`) only then, so that a
 * question or a usage error is answered without loading them.
 */
import packageJson from '../../../package.json' with { type: 'json' }
import { parseCommandLine, type Invocation } from './flags.js'
import { generalHelp, operationHelp } from './help.js'
import { EXIT, type Io } from './io.js'

/** The package's version, carried by the bundle (only this field of package.json is kept). */
export const VERSION: string = packageJson.version

/**
 * Runs one command line. Never throws: every error is a line on stderr and an exit status.
 * @returns 0 success; 1 where the action would fail the step; 2 a usage error.
 */
export async function main(io: Io): Promise<number> {
  const fail = (message: string, status: number): number => {
    io.stderr.write(`error: ${message}\n`)
    return status
  }
  let invocation: Invocation
  try {
    invocation = parseCommandLine(io.argv)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // A message that names the help to read already says where to look.
    const hint = message.includes('--help')
      ? ''
      : `\nRun 'actions-ops --help' for the operations and flags.`
    return fail(`${message}${hint}`, EXIT.usage)
  }
  switch (invocation.kind) {
    case 'help':
      io.stdout.write(generalHelp(VERSION))
      return EXIT.ok
    case 'version':
      io.stdout.write(`${VERSION}\n`)
      return EXIT.ok
    case 'operation-help':
      io.stdout.write(operationHelp(invocation.operation))
      return EXIT.ok
    case 'run': {
      // Eager: bundled into this file, evaluated only here.
      const { runCommandLine } = await import(/* webpackMode: "eager" */ './run.js')
      return runCommandLine(invocation.command, io, fail)
    }
  }
}
