/**
 * Runs the built command line (`node dist/cli/index.js`) for end-to-end tests, as a person would:
 * in an environment that holds only what the test gives it (no token, no `GITHUB_*` of the machine,
 * and a PATH on which neither `gh` nor `git` is found unless the test puts them there), with stdout
 * and stderr apart and neither a terminal; or in a terminal, through util-linux's
 * `script -qec CMD /dev/null`, where both are one stream.
 */
import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The bundle `bin.actions-ops` names. */
export const CLI = fileURLToPath(new URL('../../dist/cli/index.js', import.meta.url))

/** The Node that runs it: `ACTIONS_OPS_NODE` (`npm run test:node24`), else this one. */
const NODE = process.env.ACTIONS_OPS_NODE || process.execPath

/** Shrinks the command line's own waits (write pacing, backoff), as the action's tests do. */
export const CLI_TIME_SCALE = '0.001'

export interface CliOptions {
  /** The environment, beside `HOME` (a fresh folder), `PATH` (see below) and the time scale. */
  env?: Record<string, string>
  /** Folders for PATH; default one empty folder, so that no `gh` or `git` is found. */
  path?: string[]
  cwd?: string
  /** Run in a pseudo-terminal: stdout and stderr are one stream, in `stdout` (`\r\n` read as `\n`). */
  tty?: boolean
  /**
   * Values that must never be printed, beside the `--github-token` given and the environment's
   * `GH_TOKEN` and `GITHUB_TOKEN`.
   */
  secrets?: string[]
}

export interface CliRun {
  exitCode: number
  stdout: string
  stderr: string
}

/** A fresh, empty folder. */
export const freshFolder = (prefix = 'actions-ops-cli-'): string =>
  mkdtempSync(join(tmpdir(), prefix))

/**
 * A folder holding a `gh` stand-in that prints `token` for `gh auth token` (and writes its
 * arguments to `args.txt` beside it), for PATH.
 */
export function fakeGh(token: string): { folder: string; argsFile: string } {
  const folder = freshFolder('actions-ops-gh-')
  const argsFile = join(folder, 'args.txt')
  writeFileSync(
    join(folder, 'gh'),
    `#!/bin/sh\nprintf '%s ' "$@" > '${argsFile}'\n[ "$1 $2" = "auth token" ] && printf '%s\\n' '${token}'\n`
  )
  chmodSync(join(folder, 'gh'), 0o755)
  return { folder, argsFile }
}

const quote = (arg: string): string => `'${arg.replace(/'/g, `'\\''`)}'`

/**
 * Runs `actions-ops ARGS…` and checks that no token or secret shows in what it printed.
 * @throws Error naming the stream a secret showed in (never the secret).
 */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {
    HOME: freshFolder('actions-ops-home-'),
    PATH: (options.path ?? [freshFolder('actions-ops-path-')]).join(':'),
    ACTIONS_OPS_TIME_SCALE: CLI_TIME_SCALE,
    ...options.env
  }
  const command = options.tty
    ? {
        file: 'script',
        args: ['-qec', [NODE, CLI, ...args].map(quote).join(' '), '/dev/null'],
        env: { ...env, SHELL: '/bin/sh', TERM: 'xterm', PATH: `${env.PATH}:/usr/bin:/bin` }
      }
    : { file: NODE, args: [CLI, ...args], env }
  const run = await new Promise<CliRun>(resolve => {
    execFile(
      command.file,
      command.args,
      { env: command.env, cwd: options.cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0
        const read = (text: string): string => (options.tty ? text.replace(/\r\n/g, '\n') : text)
        resolve({ exitCode, stdout: read(stdout), stderr: read(stderr) })
      }
    )
  })
  const flag = args.findIndex(arg => arg === '--github-token')
  const secrets = [
    ...(flag >= 0 && args[flag + 1] !== undefined ? [args[flag + 1] ?? ''] : []),
    ...args.filter(arg => arg.startsWith('--github-token=')).map(arg => arg.slice(15)),
    options.env?.GH_TOKEN ?? '',
    options.env?.GITHUB_TOKEN ?? '',
    ...(options.secrets ?? [])
  ].filter(secret => secret.length >= 4)
  for (const [index, secret] of secrets.entries()) {
    for (const [name, text] of Object.entries({ stdout: run.stdout, stderr: run.stderr })) {
      if (text.includes(secret)) throw new Error(`secret #${index + 1} was printed on ${name}`)
    }
  }
  return run
}
