/**
 * Runs the action for an end-to-end test and checks that no secret leaked from it.
 *
 * Two ways, one result: `dist/index.js` in a child process exactly as GitHub's runner starts it
 * (`scripts/lib/runner.ts`), or the same `run()` in this process with the very environment the
 * runner would give it (every `INPUT_*`, `GITHUB_*` and `RUNNER_*` variable), its stdout and stderr
 * captured. In-process runs skip Node's start-up and the bundle's load, which is most of a small
 * case's time. A test asks for the bundle with `bundle: true` (the smoke set of each operation);
 * `ACTIONS_OPS_E2E=bundle` runs every case with the bundle (CI does, under Node 24), and
 * `ACTIONS_OPS_E2E=heavy` gives the fault tests their large worlds (see `E2E_HEAVY`).
 */
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { OperationName } from '../../src/inputs/definition.js'
import {
  runBundle,
  stepEnvironment,
  stepFiles,
  stepRun,
  tokenOf,
  type ActionRun,
  type RunOptions
} from '../../scripts/lib/runner.js'

export {
  actionDefaults,
  TEST_TIME_SCALE,
  type ActionRun,
  type RunOptions
} from '../../scripts/lib/runner.js'

const MODES = (process.env.ACTIONS_OPS_E2E ?? '').split(',').map(mode => mode.trim())

/** Every case runs `dist/index.js` (`ACTIONS_OPS_E2E=bundle`). */
export const E2E_BUNDLE = MODES.includes('bundle')
/** The fault tests use their large worlds (`ACTIONS_OPS_E2E=heavy`), as `.ci/run` does. */
export const E2E_HEAVY = MODES.includes('heavy')

export interface TestRunOptions extends RunOptions {
  /** Run `dist/index.js` in a child process even when cases run in process. */
  bundle?: boolean
}

/**
 * Runs the action (in process, or the bundle: see the module's doc) and collects what the runner
 * would see.
 * @throws Error when a secret (the token, `with.value`, `options.secrets`, generated values)
 *   shows up unmasked in stdout, stderr, the job summary or an output.
 */
export async function runAction(options: TestRunOptions): Promise<ActionRun> {
  const run = options.bundle || E2E_BUNDLE ? await runBundle(options) : await runInProcess(options)
  const leaks = findLeaks(run, secretsToScan(options))
  if (leaks.length > 0) throw new Error(`A secret leaked: ${leaks.join('; ')}`)
  return run
}

/**
 * `@actions/core` keeps the job summary's path once it has read it, so every in-process run of
 * this test file writes its summary to this one file, emptied before each run.
 */
const SUMMARY_FILE = join(tmpdir(), `actions-ops-summary-${randomUUID()}`)

/**
 * Calls `run()` (src/adapters/action/main.ts; for a sub-action, with its operation) with the process's environment replaced by the step's and
 * stdout/stderr captured; restores both, and `process.exitCode`, afterwards. Runs of one test file
 * never overlap (jest runs a file's tests one after another).
 */
async function runInProcess(options: RunOptions): Promise<ActionRun> {
  const files = stepFiles(options)
  const env = { ...stepEnvironment(options, files), GITHUB_STEP_SUMMARY: SUMMARY_FILE }
  writeFileSync(SUMMARY_FILE, '')
  core.summary.emptyBuffer()
  const { run } = await import('../../src/adapters/action/main.js')
  const stdout: string[] = []
  const stderr: string[] = []
  const saved = {
    env: { ...process.env },
    exitCode: process.exitCode,
    stdout: process.stdout.write,
    stderr: process.stderr.write
  }
  const capture =
    (into: string[]): typeof process.stdout.write =>
    (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const callback = rest.find(arg => typeof arg === 'function') as (() => void) | undefined
      callback?.()
      return true
    }
  replaceEnvironment(env)
  process.exitCode = undefined
  process.stdout.write = capture(stdout)
  process.stderr.write = capture(stderr)
  const launchedAt = Date.now()
  let exitCode = 0
  try {
    await run(options.subAction as OperationName | undefined)
    exitCode = Number(process.exitCode ?? 0)
  } finally {
    process.stdout.write = saved.stdout
    process.stderr.write = saved.stderr
    process.exitCode = saved.exitCode
    replaceEnvironment(saved.env)
  }
  return stepRun(
    { output: files.output, summary: SUMMARY_FILE },
    { exitCode, stdout: stdout.join(''), stderr: stderr.join(''), launchedAt, exitedAt: Date.now() }
  )
}

function replaceEnvironment(env: Record<string, string | undefined>): void {
  for (const name of Object.keys(process.env)) delete process.env[name]
  Object.assign(process.env, env)
}

const ADD_MASK = '::add-mask::'

/**
 * What `runAction` scans its run for: the token, `options.secrets`, and the step's `value` input
 * (rotate-secrets) as a whole and each of its non-blank lines, since the runner masks a log line by
 * line. Values shorter than 8 characters are left to `findLeaks`, which skips them.
 */
export function secretsToScan(options: RunOptions): string[] {
  const value = options.with.value ?? ''
  const lines = value.split(/\r\n|\r|\n/).filter(line => line.trim() !== '')
  const given = value.trim() === '' ? [] : [value, ...lines]
  return [...new Set([tokenOf(options), ...(options.secrets ?? []), ...given])]
}

function generatedValues(outputs: Record<string, string>): string[] {
  try {
    return Object.values(JSON.parse(outputs['generated-values'] ?? '{}') as Record<string, string>)
  } catch {
    return []
  }
}

/**
 * Where a secret shows up unmasked: in stdout or stderr outside `::add-mask::` commands, in the job
 * summary, or in an output without having been masked first (the runner only hides values it was
 * told to mask). Checks the given secrets and the values of `generated-values`. Returns
 * descriptions that never contain the secret itself.
 */
export function findLeaks(
  run: Pick<ActionRun, 'stdout' | 'stderr' | 'summary' | 'outputs'>,
  secrets: string[]
): string[] {
  const masked = new Set(
    run.stdout
      .split('\n')
      .filter(line => line.startsWith(ADD_MASK))
      .map(line => line.slice(ADD_MASK.length).trim())
  )
  const withoutMaskCommands = (text: string): string =>
    text
      .split('\n')
      .filter(line => !line.startsWith(ADD_MASK))
      .join('\n')
  const places: Array<[string, string, boolean]> = [
    ['stdout', withoutMaskCommands(run.stdout), false],
    ['stderr', withoutMaskCommands(run.stderr), false],
    ['the job summary', run.summary, false],
    ...Object.entries(run.outputs).map(([name, value]): [string, string, boolean] => [
      `output ${name}`,
      value,
      true
    ])
  ]
  const leaks: string[] = []
  // Short values would match by chance; real tokens and generated values are long.
  for (const [index, secret] of [
    ...new Set([...secrets, ...generatedValues(run.outputs)])
  ].entries()) {
    if (secret.length < 8) continue
    for (const [place, text, maskedIsFine] of places) {
      if (text.includes(secret) && !(maskedIsFine && masked.has(secret))) {
        leaks.push(`secret #${index + 1} (${secret.length} characters) appears in ${place}`)
      }
    }
  }
  return leaks
}
