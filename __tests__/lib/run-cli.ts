/**
 * Runs the command line for end-to-end tests, as a person would: in an environment that holds only
 * what the test gives it (no token, no `GITHUB_*` of the machine, and a PATH on which neither `gh`
 * nor `git` is found unless the test puts them there), with stdout and stderr apart and neither a
 * terminal; or in a terminal, through util-linux's `script -qec CMD /dev/null`, where both are one
 * stream.
 *
 * Two ways, one result, as for the action: the built `dist/cli/index.js` in a child process, or the
 * same `main()` in this process with that environment, streams, PATH and working folder (a child
 * process costs most of a small case's time). A case asks for the bundle with `bundle: true` (the
 * smoke set); a terminal always gets it; `ACTIONS_OPS_E2E=bundle` runs every case with it.
 */
import { execFile, execFileSync } from 'node:child_process'
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

/** Every case runs the bundle (`ACTIONS_OPS_E2E=bundle`, as `npm run test:node24` sets it). */
const BUNDLE_ALWAYS = (process.env.ACTIONS_OPS_E2E ?? '').split(',').includes('bundle')

export interface CliOptions {
  /** Start `dist/cli/index.js` in a child process even when cases run in process. */
  bundle?: boolean
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
  const run =
    options.tty || options.bundle || BUNDLE_ALWAYS
      ? await runBundle(args, env, options)
      : await runInProcess(args, env, options)
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

/** `node dist/cli/index.js ARGS…` in a child process (in a terminal with `tty`). */
async function runBundle(
  args: readonly string[],
  env: Record<string, string>,
  options: CliOptions
): Promise<CliRun> {
  const command = options.tty
    ? {
        file: 'script',
        args: ['-qec', [NODE, CLI, ...args].map(quote).join(' '), '/dev/null'],
        env: { ...env, SHELL: '/bin/sh', TERM: 'xterm', PATH: `${env.PATH}:/usr/bin:/bin` }
      }
    : { file: NODE, args: [CLI, ...args], env }
  return new Promise<CliRun>(resolve => {
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
}

/** A stream that keeps what is written to it; not a terminal. */
function collector(into: string[]): NodeJS.WriteStream {
  return {
    isTTY: false,
    write: (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const callback = rest.find(arg => typeof arg === 'function') as (() => void) | undefined
      callback?.()
      return true
    }
  } as unknown as NodeJS.WriteStream
}

/**
 * `main()` of src/adapters/cli/main.ts in this process, with `env` as the whole environment
 * (`process.env` too, which the command line reads for proxies and sets for the client), the
 * streams collected, and `gh`/`git` started with `env`'s PATH in `options.cwd`. Restores the
 * environment, the log sink and anything written straight to the process's stdout afterwards.
 */
async function runInProcess(
  args: readonly string[],
  env: Record<string, string>,
  options: CliOptions
): Promise<CliRun> {
  const { main } = await import('../../src/adapters/cli/main.js')
  const { actionsLog, useLog } = await import('../../src/log.js')
  const stdout: string[] = []
  const stderr: string[] = []
  const saved = { env: { ...process.env }, write: process.stdout.write }
  const replaceEnvironment = (next: Record<string, string | undefined>): void => {
    for (const name of Object.keys(process.env)) delete process.env[name]
    Object.assign(process.env, next)
  }
  replaceEnvironment(env)
  // Whatever would bypass the command line's streams lands in its stdout, to be seen by the test.
  process.stdout.write = collector(stdout).write
  try {
    const exitCode = await main({
      argv: args,
      env: { ...env },
      stdout: collector(stdout),
      stderr: collector(stderr),
      run: (file, commandArgs) => {
        try {
          const out = execFileSync(file, commandArgs, {
            encoding: 'utf8',
            env,
            cwd: options.cwd,
            stdio: ['ignore', 'pipe', 'ignore'],
            timeout: 10_000
          }).trim()
          return out === '' ? undefined : out
        } catch {
          return undefined
        }
      }
    })
    return { exitCode, stdout: stdout.join(''), stderr: stderr.join('') }
  } finally {
    process.stdout.write = saved.write
    replaceEnvironment(saved.env)
    useLog(actionsLog)
  }
}
