/**
 * Runs a step of the action the way GitHub's runner runs a JavaScript action: inputs as `INPUT_*`
 * environment variables with the `action.yml`'s defaults, `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`,
 * `GITHUB_EVENT_PATH` and `GITHUB_API_URL` pointing at the API (the simulator), and the file its
 * `runs.main` names started with Node: `dist/index.js` for the top-level action, `<operation>/main.mjs`
 * for a sub-action. Used by the demo, the benchmark and the end-to-end tests.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

const ROOT = new URL('../../', import.meta.url)

interface ActionYml {
  inputs: Record<string, { default?: string }>
  runs: { main: string }
}

/** The folder of the action a step uses: the root, or a sub-action's (`delete-runs/`). */
const actionFolder = (subAction: string | undefined): URL =>
  subAction === undefined ? ROOT : new URL(`${subAction}/`, ROOT)

function readActionYml(subAction: string | undefined): ActionYml {
  return parse(readFileSync(new URL('action.yml', actionFolder(subAction)), 'utf8')) as ActionYml
}

/**
 * The inputs' defaults as the `action.yml` declares them (expressions are filled in by
 * `stepEnvironment`): the top-level action's, or the sub-action's named `subAction`.
 */
export function actionDefaults(subAction?: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(readActionYml(subAction).inputs).map(([name, input]) => [
      name,
      input.default ?? ''
    ])
  )
}

/** The file the runner starts: the `action.yml`'s `runs.main`, in its folder. */
export function actionMain(subAction?: string): string {
  return new URL(readActionYml(subAction).runs.main, actionFolder(subAction)).pathname
}

/** One entry of the `result` output. */
export interface ResultEntry {
  repository: string
  kind: string
  id: number | string
  action: string
  outcome: string
  reason: string
  url: string
  app?: string
}

/** What the runner sees of one step. */
export interface ActionRun {
  exitCode: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** When the step was started and when it ended (epoch ms), for timing the step alone. */
  launchedAt: number
  exitedAt: number
  /** The parsed `result` output (empty when the step failed before writing it). */
  result: ResultEntry[]
}

export interface RunOptions {
  /**
   * The sub-action the step uses (`uses: OWNER/actions-ops/delete-runs@v1`): its folder's
   * `action.yml` gives the defaults and its `runs.main` is started. Unset: the top-level action.
   */
  subAction?: string
  /** Base URL of the API, e.g. the simulator's URL (or URL + `/api/v3`). */
  apiUrl: string
  /** The step's `with:`. */
  with: Record<string, string>
  /** The token `${{ github.token }}` stands for (default `ghs_write`). */
  token?: string
  /** `${{ github.repository }}` (default `acme/web`). */
  repository?: string
  event?: { name: string; payload: unknown }
  /** `GITHUB_RUN_ID`, the run the step runs in. */
  runId?: number
  /** Extra environment, e.g. `RUNNER_DEBUG: '1'`. */
  env?: Record<string, string>
  /**
   * Secret values that must never show up unmasked. The token and `with.value` (as a whole and
   * line by line) are always checked.
   */
  secrets?: string[]
  /** The child process is killed after this long (ms; default 120,000). Bundle runs only. */
  timeoutMs?: number
}

/** Shrinks the action's own waits (write pacing, backoff, polling) so scenarios run in seconds. */
export const TEST_TIME_SCALE = '0.001'

/** The token `${{ github.token }}` stands for. */
export const tokenOf = (options: Pick<RunOptions, 'token'>): string => options.token ?? 'ghs_write'

/** The files the runner hands a step, in a fresh temporary directory. */
export interface StepFiles {
  dir: string
  output: string
  summary: string
  event: string
}

/** Creates the step's files: empty `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`, the event payload. */
export function stepFiles(options: Pick<RunOptions, 'event'>): StepFiles {
  const dir = mkdtempSync(join(tmpdir(), 'actions-ops-step-'))
  const files = {
    dir,
    output: join(dir, 'output'),
    summary: join(dir, 'summary'),
    event: join(dir, 'event.json')
  }
  writeFileSync(files.output, '')
  writeFileSync(files.summary, '')
  writeFileSync(files.event, JSON.stringify(options.event?.payload ?? {}))
  return files
}

/**
 * The whole environment of the step, as the runner builds it: `GITHUB_*`, `RUNNER_*`, one
 * `INPUT_*` per input of `action.yml` (its default unless `with:` sets it), and `options.env` last.
 */
export function stepEnvironment(options: RunOptions, files: StepFiles): Record<string, string> {
  const repository = options.repository ?? 'acme/web'
  const expressions: Record<string, string> = {
    '${{ github.token }}': tokenOf(options),
    '${{ github.repository }}': repository
  }
  const inputs = { ...actionDefaults(options.subAction), ...options.with }
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [
      `INPUT_${name.replace(/ /g, '_').toUpperCase()}`,
      expressions[value] ?? value
    ])
  )
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? files.dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: repository,
    GITHUB_RUN_ID: String(options.runId ?? 999_999_999),
    GITHUB_EVENT_NAME: options.event?.name ?? 'workflow_dispatch',
    GITHUB_EVENT_PATH: files.event,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: files.dir,
    RUNNER_TOOL_CACHE: join(files.dir, 'tool-cache'),
    ACTIONS_OPS_TIME_SCALE: TEST_TIME_SCALE,
    ...inputEnv,
    ...options.env
  }
}

/** Reads what a finished step left: its outputs, its job summary and the parsed `result`. */
export function stepRun(
  files: Pick<StepFiles, 'output' | 'summary'>,
  process: Pick<ActionRun, 'exitCode' | 'stdout' | 'stderr' | 'launchedAt' | 'exitedAt'>
): ActionRun {
  const outputs = parseOutputFile(readFileSync(files.output, 'utf8'))
  return {
    ...process,
    outputs,
    summary: readFileSync(files.summary, 'utf8'),
    result: outputs.result ? (JSON.parse(outputs.result) as ResultEntry[]) : []
  }
}

/**
 * Runs the action's `runs.main` (`dist/index.js`, or the sub-action's entry) in a child process
 * with Node (`ACTIONS_OPS_NODE`, else this Node) and collects what the runner would see. Never
 * throws for the step's own failure (see `exitCode`).
 */
export async function runBundle(options: RunOptions): Promise<ActionRun> {
  const files = stepFiles(options)
  const env = stepEnvironment(options, files)
  const node = process.env.ACTIONS_OPS_NODE || process.execPath
  const launchedAt = Date.now()
  const { exitCode, stdout, stderr } = await new Promise<{
    exitCode: number
    stdout: string
    stderr: string
  }>(resolve => {
    execFile(
      node,
      [actionMain(options.subAction)],
      { env, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ exitCode: code, stdout, stderr })
      }
    )
  })
  return stepRun(files, { exitCode, stdout, stderr, launchedAt, exitedAt: Date.now() })
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
