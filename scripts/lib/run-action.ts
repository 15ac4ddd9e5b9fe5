/**
 * Runs the bundled action (`dist/index.js`) the way GitHub's runner does: inputs as `INPUT_*`
 * environment variables with `action.yml`'s defaults, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`,
 * `GITHUB_EVENT_PATH` and `GITHUB_API_URL` pointing at the simulator.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

const ROOT = new URL('../../', import.meta.url)
const BUNDLE = new URL('dist/index.js', ROOT).pathname

interface ActionYml {
  inputs: Record<string, { default?: string }>
}

/** The inputs' defaults as `action.yml` declares them (expressions are filled in by `runAction`). */
export function actionDefaults(): Record<string, string> {
  const action = parse(readFileSync(new URL('action.yml', ROOT), 'utf8')) as ActionYml
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? ''])
  )
}

export interface ActionRun {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** When the process was started and when it exited (epoch ms), for timing the step alone. */
  launchedAt: number
  exitedAt: number
  /** The parsed `result` output (empty when the step failed before writing it). */
  result: Array<{
    repository: string
    kind: string
    id: number | string
    action: string
    outcome: string
    reason: string
    url: string
  }>
}

export interface RunOptions {
  /** Base URL of the API, e.g. the simulator's URL (or URL + `/api/v3`). */
  apiUrl: string
  /** The step's `with:`. */
  with: Record<string, string>
  /** The token `${{ github.token }}` stands for. */
  token?: string
  repository?: string
  event?: { name: string; payload: unknown }
  runId?: number
  /** Extra environment, e.g. `RUNNER_DEBUG: '1'`. */
  env?: Record<string, string>
  /**
   * Secret values that must never show up unmasked. The token and `with.value` (as a whole and
   * line by line) are always checked.
   */
  secrets?: string[]
  /** The child process is killed after this long (ms; default 120,000, ample for a test). */
  timeoutMs?: number
}

/** Shrinks the action's own waits (write pacing, backoff, polling) so scenarios run in seconds. */
export const TEST_TIME_SCALE = '0.001'

/**
 * Runs `dist/index.js` in a child process with Node (`ACTIONS_OPS_NODE` or this Node) and collects
 * what the runner would see.
 */
export async function runAction(options: RunOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'actions-ops-e2e-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  const eventFile = join(dir, 'event.json')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  writeFileSync(eventFile, JSON.stringify(options.event?.payload ?? {}))
  const token = tokenOf(options)
  const repository = options.repository ?? 'acme/web'
  const expressions: Record<string, string> = {
    '${{ github.token }}': token,
    '${{ github.repository }}': repository
  }
  const inputs = { ...actionDefaults(), ...options.with }
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      expressions[value] ?? value
    ])
  )
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: repository,
    GITHUB_RUN_ID: String(options.runId ?? 999_999_999),
    GITHUB_EVENT_NAME: options.event?.name ?? 'workflow_dispatch',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: dir,
    RUNNER_TOOL_CACHE: join(dir, 'tool-cache'),
    ACTIONS_OPS_TIME_SCALE: TEST_TIME_SCALE,
    ...inputEnv,
    ...options.env
  }
  const node = process.env.ACTIONS_OPS_NODE || process.execPath
  const launchedAt = Date.now()
  const { exitCode, stdout, stderr } = await new Promise<{
    exitCode: number
    stdout: string
    stderr: string
  }>(resolve => {
    execFile(
      node,
      [BUNDLE],
      { env, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ exitCode: code, stdout, stderr })
      }
    )
  })
  const exitedAt = Date.now()
  const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'))
  const run: ActionRun = {
    exitCode,
    launchedAt,
    exitedAt,
    stdout,
    stderr,
    outputs,
    summary: readFileSync(summaryFile, 'utf8'),
    result: outputs.result ? (JSON.parse(outputs.result) as ActionRun['result']) : []
  }
  const leaks = findLeaks(run, secretsToScan(options))
  if (leaks.length > 0) throw new Error(`A secret leaked: ${leaks.join('; ')}`)
  return run
}

const ADD_MASK = '::add-mask::'

const tokenOf = (options: RunOptions): string => options.token ?? 'ghs_write'

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

/** Parses the `name<<DELIMITER … DELIMITER` blocks `@actions/core` writes to `GITHUB_OUTPUT`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '')
    outputs[name ?? ''] = value.join('\n')
  }
  return outputs
}
