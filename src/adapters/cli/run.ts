/**
 * A command to run: flags → settings (the action's readers) → the operation (`performOperation`,
 * as the action runs it) → a table or `--json` on stdout, and an exit status.
 */
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs'
import { messageOf, redactSecrets } from '../../boundary/api-errors.js'
import { InputError } from '../../inputs/input-error.js'
import { useLog } from '../../log.js'
import { readSettings } from '../../operations/index.js'
import { performOperation } from '../../operations/perform.js'
import type { Settings } from '../../operations/settings.js'
import { failedTargetsMessage, totalsLine } from '../tally.js'
import {
  apiUrlFor,
  findRepository,
  findToken,
  readerEnvironment,
  runCommand,
  serverUrlFor
} from './environment.js'
import { describeInputError, flagReader, UsageError, type Command } from './flags.js'
import { cliLog, Masks } from './log.js'
import { EXIT, type Io } from './io.js'
import { colorFor, renderJson, renderTable } from './output.js'
import { plainWriter, progressBar, type LineWriter } from './progress.js'

/**
 * Runs `command`: finds the token, the API and the repository, reads the settings with the action's
 * readers, performs the operation as the action does, and prints the results.
 * @param fail writes `error: MESSAGE` on stderr and returns `status`.
 * @returns the exit status (see `main`).
 */
export async function runCommandLine(
  command: Command,
  io: Io,
  fail: (message: string, status: number) => number
): Promise<number> {
  const masks = new Masks()
  const writer: LineWriter = io.stderr.isTTY ? progressBar(io.stderr) : plainWriter(io.stderr)
  // Before anything can log: nothing below may reach `@actions/core` and its workflow commands.
  useLog(cliLog({ writer, verbose: command.verbose, masks }))
  const failWith = (message: string, status: number): number => {
    writer.stop()
    return fail(masks.redact(redactSecrets(message)), status)
  }
  try {
    return await execute(command, io, { masks, writer, failWith })
  } catch (error) {
    // What no step above expects (a full disk, say): reported like the action's last line of defence.
    return failWith(messageOf(error), EXIT.failed)
  }
}

/** What one run writes with: the masked values, stderr's writer, and the end of a failed run. */
interface Session {
  masks: Masks
  writer: LineWriter
  /** Writes `error: MESSAGE` (masked) and returns `status`. */
  failWith: (message: string, status: number) => number
}

async function execute(command: Command, io: Io, session: Session): Promise<number> {
  const { masks, writer, failWith } = session
  const run = io.run ?? runCommand
  const note = (line: string): void => {
    if (command.verbose) writer.line(masks.redact(line))
  }

  const found = findToken(command.inputs['github-token'], io.env, run)
  if (found === undefined) {
    return failWith(
      `no token found. Pass --github-token TOKEN, set GH_TOKEN or GITHUB_TOKEN, or log in with 'gh auth login'.`,
      EXIT.usage
    )
  }
  masks.add(found.token)
  const apiUrl = apiUrlFor(io.env)
  const serverUrl = serverUrlFor(io.env, apiUrl)
  const repository =
    (command.inputs.repository ?? '').trim() === '' ? findRepository(io.env, run) : undefined
  note(`token: from ${found.source}`)
  note(`API: ${apiUrl}`)
  if (repository !== undefined)
    note(`repository: ${repository.repository} (from ${repository.source})`)

  let settings: Settings
  try {
    settings = readSettings(
      flagReader(command, found.token),
      readerEnvironment(io.env, {
        apiUrl,
        ...(serverUrl !== undefined && { serverUrl }),
        ...(repository !== undefined && { repository: repository.repository })
      })
    )
  } catch (error) {
    if (error instanceof InputError) {
      const source =
        error.input === 'github-token' && found.source !== '--github-token'
          ? ` (The token came from ${found.source}.)`
          : ''
      return failWith(`${describeInputError(error)}${source}`, EXIT.failed)
    }
    return failWith(messageOf(error), EXIT.failed)
  }

  let values: GeneratedValuesFile | undefined
  try {
    values = openGeneratedValuesFile(command, settings)
  } catch (error) {
    return failWith(messageOf(error), EXIT.usage)
  }

  // `@actions/github` picks its proxy (HTTPS_PROXY, NO_PROXY) for the API URL this variable
  // names when it is first imported, as on a runner, where it is always set.
  process.env.GITHUB_API_URL = settings.runner.apiUrl
  let performed: Awaited<ReturnType<typeof performOperation>>
  try {
    performed = await performOperation(settings)
  } catch (error) {
    values?.discard()
    const message = error instanceof InputError ? describeInputError(error) : messageOf(error)
    return failWith(message, EXIT.failed)
  }
  writer.stop()
  values?.keep(performed.extraOutputs['generated-values'])

  const { results, counter, extraOutputs } = performed
  if (command.json) {
    io.stdout.write(masks.redact(renderJson(results, settings.dryRun)))
  } else {
    const color = colorFor(io.stdout, io.env)
    io.stdout.write(masks.redact(renderTable(results, color)))
    io.stdout.write(`${totalsLine(settings, results, counter, extraOutputs)}\n`)
  }
  if (values !== undefined) note(`generated values: written to ${values.path}`)
  const failed = failedTargetsMessage(results)
  if (failed !== undefined && settings.failOnError) return failWith(failed, EXIT.failed)
  return EXIT.ok
}

/** The file `--generated-values-file` names, created before any request. */
interface GeneratedValuesFile {
  path: string
  /** Writes the values (the JSON object of `generated-values`; `{}` when none) and closes it. */
  keep(json: string | undefined): void
  /** Closes and removes it: the run ended before it generated anything. */
  discard(): void
}

/**
 * Creates the file for the generated values of `rotate-secrets --generate`, before any request: a
 * rotation must never start when its values could not be kept. The file is new (an existing one
 * is never overwritten: it may hold the only copy of earlier values) and only its owner may read
 * it (mode 0600). A dry run generates nothing and creates no file.
 * @throws UsageError for `--generate` without the file (a generated value nobody keeps is lost,
 *   and stdout never shows one) or the file without `--generate`, and when the file exists or
 *   cannot be created.
 */
function openGeneratedValuesFile(
  command: Command,
  settings: Settings
): GeneratedValuesFile | undefined {
  if (settings.operation !== 'rotate-secrets') return undefined
  const path = command.generatedValuesFile
  const generate = settings.source.kind === 'generate'
  if (generate && path === undefined) {
    throw new UsageError(
      `--generate needs --generated-values-file PATH: the generated values are written there alone (never to the terminal), and a value nobody keeps is lost.`
    )
  }
  if (!generate && path !== undefined) {
    throw new UsageError(
      `--generated-values-file is only used with --generate; add --generate or remove it.`
    )
  }
  if (path === undefined || settings.dryRun) return undefined
  let fd: number
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    throw new UsageError(
      code === 'EEXIST'
        ? `--generated-values-file ${path} exists; it is never overwritten (it may hold the only copy of earlier values). Name a new file.`
        : `--generated-values-file ${path} cannot be created (${messageOf(error)}).`
    )
  }
  return {
    path,
    keep: json => {
      writeSync(fd, `${json === undefined || json === '' ? '{}' : json}\n`)
      closeSync(fd)
    },
    discard: () => {
      closeSync(fd)
      unlinkSync(path)
    }
  }
}
