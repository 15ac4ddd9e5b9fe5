/**
 * The settings every operation shares, read once from the step's inputs and the runner's
 * environment: the token, the repositories, dry run, limit, the runner's context and pacing; and
 * the run filters of the operations that act on workflow runs.
 */
import { accessSync, constants, readFileSync, statSync, type Stats } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { messageOf, PERMISSION_HINTS, PROTECTION_RULE_TOKEN_HINT } from '../boundary/api-errors.js'
import { log } from '../log.js'
import { protectionRulePayload } from '../operations/review-deployments/rules.js'
import { excludedBy } from '../rules/matching.js'
import type {
  CommonSettings,
  EventRun,
  OperationName,
  PacingSettings,
  RunFilters,
  RunnerContext
} from '../settings.js'
import { appliesTo, INPUTS } from './definition.js'
import { InputError } from './input-error.js'
import {
  entryText,
  parseList,
  parseRepositoryEntries,
  parseRepositoryGlobs,
  parseWorkflows
} from './parse.js'
import type { Environment, StepInputs } from './step-inputs.js'

/** Completed runs or artifacts kept per group, at most (cancel-stale keeps at least 1). */
export const MAX_KEEP_LATEST = 1000

/**
 * Reads the inputs every operation takes, and the runner's environment.
 * @throws InputError naming the input (an empty or malformed token is described, never shown);
 *   EventPayloadError for an unreadable event payload (operations that read it); Error for a
 *   bad `ACTIONS_OPS_TIME_SCALE`.
 */
export function readCommon(
  inputs: StepInputs,
  env: Environment,
  operation: OperationName
): CommonSettings {
  const runner = readRunnerContext(env, operation)
  // A protection rule is answered by its app alone: no other token is worth suggesting.
  const answersRule =
    operation === 'review-deployments' &&
    protectionRulePayload(runner.eventName, runner.payload) !== undefined
  const token = readToken(
    inputs.raw('github-token'),
    `for ${operation}, ${answersRule ? PROTECTION_RULE_TOKEN_HINT : PERMISSION_HINTS[operation]}`
  )
  log.mask(token)
  const rawRepositories = inputs.text('repository') || (env.GITHUB_REPOSITORY ?? '')
  const repositoryEntries = parseRepositoryEntries('repository', rawRepositories)
  if (repositoryEntries.length === 0) {
    throw new InputError(
      'repository',
      `is empty. Name at least one, e.g. 'repository: octo-org/web' or 'repository: octo-org/*'.`
    )
  }
  const excludeRepositories = parseRepositoryGlobs(
    'exclude-repository',
    inputs.raw('exclude-repository')
  )
  // The named ones as they are; patterns join them when resolved (repositories.ts), before any
  // target is looked at.
  const repositories = repositoryEntries.flatMap(entry =>
    entry.kind === 'named' &&
    excludedBy(`${entry.owner}/${entry.repo}`, excludeRepositories) === undefined
      ? [{ owner: entry.owner, repo: entry.repo }]
      : []
  )
  const stateFile = appliesTo(INPUTS['state-file'], operation)
    ? readStateFile(inputs.text('state-file'))
    : undefined
  return {
    token,
    repositories,
    repositoryEntries,
    excludeRepositories,
    dryRun: inputs.boolean('dry-run'),
    limit: inputs.integer('limit', { min: 1, max: 10000 }),
    failOnError: inputs.boolean('fail-on-error'),
    ...(stateFile !== undefined && { stateFile }),
    runner,
    pacing: readPacing(env)
  }
}

const STATE_FILE_EXAMPLE = "'state-file: ${{ runner.temp }}/actions-ops-state.json'"

/**
 * `state-file` as an absolute path (relative paths are taken from the working directory), checked
 * before any request: the step rewrites it when it ends, so its folder must exist and be writable,
 * and the path must not name a folder. The file itself need not exist (the first run starts fresh).
 * @returns undefined when blank (no state file: no conditional request is sent).
 * @throws InputError naming the path and what to do.
 */
function readStateFile(raw: string): string | undefined {
  if (raw === '') return undefined
  const path = resolve(raw)
  const folder = dirname(path)
  if (statOf(raw, path)?.isDirectory() === true) {
    throw new InputError(
      'state-file',
      `${JSON.stringify(raw)} is a folder; name a file in it, e.g. ${STATE_FILE_EXAMPLE}.`
    )
  }
  if (statOf(raw, folder)?.isDirectory() !== true) {
    throw new InputError(
      'state-file',
      `${JSON.stringify(raw)} is in the folder ${folder}, which does not exist. Create it in an earlier step, or use a folder that exists, e.g. ${STATE_FILE_EXAMPLE}.`
    )
  }
  try {
    accessSync(folder, constants.W_OK)
  } catch {
    throw new InputError(
      'state-file',
      `${JSON.stringify(raw)} cannot be written: the folder ${folder} is not writable by this step. Use a folder the step may write, e.g. ${STATE_FILE_EXAMPLE}.`
    )
  }
  return path
}

/**
 * What the file system tells of `path` (a part of `state-file`): undefined when nothing is there.
 * @throws InputError naming `state-file` when the path cannot be looked at (too long, a file where
 *   a folder should be, no permission).
 */
function statOf(raw: string, path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false })
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const why =
      code === 'ENAMETOOLONG'
        ? 'is too long a path for this file system'
        : code === 'ENOTDIR'
          ? 'passes through a file as if it were a folder'
          : `cannot be looked at (${typeof code === 'string' ? code : 'error'})`
    throw new InputError(
      'state-file',
      `${JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw)} ${why}. Use a file in a folder the step may write, e.g. ${STATE_FILE_EXAMPLE}.`
    )
  }
}

/** What a token is made of: printable ASCII, no whitespace (GitHub's tokens are `[A-Za-z0-9_]`). */
const TOKEN_CHARACTER = /^[\x21-\x7E]$/

/**
 * Checks `github-token` before anything sends it: a character fetch cannot put in a header (a line
 * break, a zero-width space) fails every request, with an error that may quote the header; one it
 * can (a tab, `é`) reaches GitHub, which refuses the token. The error tells where the bad character
 * is and what kind it is, never the value or any part of it.
 * @throws InputError for an empty token or one with a character outside printable ASCII.
 */
function readToken(raw: string, need: string): string {
  const token = raw.trim()
  if (token === '') {
    throw new InputError(
      'github-token',
      `is empty. Pass a token, e.g. 'github-token: \${{ github.token }}' (the default) or a secret holding another token; ${need}.`
    )
  }
  const characters = [...token]
  const bad = characters.findIndex(character => !TOKEN_CHARACTER.test(character))
  if (bad !== -1) {
    throw new InputError(
      'github-token',
      `has ${describeCharacter(characters[bad] ?? '')} at character ${bad + 1} of ${characters.length}; a token is printable ASCII without spaces. The secret that holds it was likely pasted with extra characters: store the token alone again, e.g. 'github-token: \${{ secrets.OPS_TOKEN }}'.`
    )
  }
  return token
}

/** Names a character that does not belong in a token without quoting the token. */
function describeCharacter(character: string): string {
  const code = character.codePointAt(0) ?? 0
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
  if (character === '\n' || character === '\r') return `a line break (${hex})`
  if (character === '\t') return `a tab (${hex})`
  if (/\s/.test(character)) return `a space (${hex})`
  if (code < 0x20 || code === 0x7f) return `a control character (${hex})`
  return `a non-ASCII character (${hex}${/[\p{Cf}\p{Z}]/u.test(character) ? ', invisible' : ''})`
}

/**
 * Reads what the runner provides about this run. The event payload is read here, once, rather than
 * through `@actions/github`'s context, which captures the environment when it is first imported.
 * @throws EventPayloadError when `GITHUB_EVENT_PATH` names a file that cannot be read or is not
 *   JSON, for the operations that read the payload.
 */
function readRunnerContext(env: Environment, operation: OperationName): RunnerContext {
  let payload: Record<string, unknown> = {}
  const eventPath = env.GITHUB_EVENT_PATH
  if (eventPath) {
    try {
      payload = JSON.parse(readFileSync(eventPath, 'utf8')) as Record<string, unknown>
    } catch (error) {
      // Only operations that use the payload depend on it; a broken one must not hide a typo elsewhere.
      if (operation === 'rerun-failed' || operation === 'review-deployments') {
        throw new EventPayloadError(eventPath, error)
      }
    }
  }
  const currentRunId = Number(env.GITHUB_RUN_ID)
  const eventName = env.GITHUB_EVENT_NAME ?? ''
  const eventRun = eventName === 'workflow_run' ? readEventRun(payload) : undefined
  return {
    eventName,
    payload,
    ...(eventRun !== undefined && { eventRun }),
    ...(Number.isSafeInteger(currentRunId) && currentRunId > 0 && { currentRunId }),
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl: (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  }
}

/** The run of a `workflow_run` payload: its id, the attempt it was sent for, its repository. */
function readEventRun(payload: Record<string, unknown>): EventRun | undefined {
  const workflowRun = payload.workflow_run as
    { id?: unknown; run_attempt?: unknown; repository?: { full_name?: unknown } } | undefined
  if (typeof workflowRun?.id !== 'number') return undefined
  const repository = payload.repository as { full_name?: unknown } | undefined
  const named = [repository?.full_name, workflowRun.repository?.full_name].find(
    (name): name is string => typeof name === 'string' && name !== ''
  )
  return {
    id: workflowRun.id,
    ...(typeof workflowRun.run_attempt === 'number' && { attempt: workflowRun.run_attempt }),
    ...(named !== undefined && { repository: named })
  }
}

/**
 * The event payload the runner wrote (`GITHUB_EVENT_PATH`) cannot be read or is not JSON: the
 * runner's file, not an input, is at fault.
 */
class EventPayloadError extends Error {
  constructor(path: string, cause: unknown) {
    // By name: `JSON`'s errors may come from another realm than this module's.
    const notJson = (cause as { name?: unknown } | null)?.name === 'SyntaxError'
    super(
      `The event payload at GITHUB_EVENT_PATH (${path}) ${
        notJson ? 'is not JSON' : 'could not be read'
      } (${messageOf(cause)}). The runner writes this file for every job; when running the action yourself, point GITHUB_EVENT_PATH at a JSON file of the event (e.g. one holding '{}') or leave it unset.`
    )
    this.name = 'EventPayloadError'
  }
}

/**
 * The shortest request timeout, in milliseconds, whatever `ACTIONS_OPS_TIME_SCALE` says: a page of
 * 100 runs from a local simulator on a busy machine takes tens of milliseconds, and a timeout
 * shorter than an answer turns every request into retries.
 */
const MIN_REQUEST_TIMEOUT_MS = 250

/**
 * `ACTIONS_OPS_TIME_SCALE` (default 1) multiplies every wait the action makes on its own: the
 * 1 s gap between writes, retry backoff (API requests and log downloads), `retry-after`, polling,
 * and the 30 s request timeout (never under {@link MIN_REQUEST_TIMEOUT_MS}). It exists for tests
 * and benchmarks against the simulator; on GitHub leave it unset.
 */
function readPacing(env: Environment): PacingSettings {
  const raw = env.ACTIONS_OPS_TIME_SCALE?.trim() ?? ''
  const scale = raw === '' ? 1 : Number(raw)
  if (!Number.isFinite(scale) || scale < 0 || scale > 1) {
    // An environment variable of tests and benchmarks, not an input of the step.
    throw new Error(
      `The environment variable ACTIONS_OPS_TIME_SCALE is ${JSON.stringify(raw)}, not a number from 0 to 1. Leave it unset outside tests.`
    )
  }
  return {
    timeScale: scale,
    writeIntervalMs: 1000 * scale,
    retryBaseMs: 1000 * scale,
    retryAfterScale: scale,
    requestTimeoutMs: Math.max(MIN_REQUEST_TIMEOUT_MS, 30_000 * scale),
    pollIntervalMs: 10_000 * scale
  }
}

/**
 * What the settings of an operation on workflow runs start from: the common settings, the
 * operation's name, and its run filters (see `readRunFilters`).
 * @throws InputError naming the input.
 */
export function readRunOperation<O extends OperationName>(
  inputs: StepInputs,
  common: CommonSettings,
  operation: O
): CommonSettings & { operation: O; filters: RunFilters } {
  return { ...common, operation, filters: readRunFilters(inputs, common, operation) }
}

/**
 * The run filters (`run-id`, `workflow`, `branch`, `exclude-branch`, `event`, `actor`) of an
 * operation that acts on workflow runs.
 * @throws InputError naming the input.
 */
function readRunFilters(
  inputs: StepInputs,
  common: CommonSettings,
  operation: OperationName
): RunFilters {
  return {
    ...readRunId(inputs.text('run-id'), common, operation),
    workflows: parseWorkflows('workflow', inputs.raw('workflow')),
    branches: inputs.globs('branch', 'main, release/**'),
    excludeBranches: inputs.globs('exclude-branch', 'gh-pages'),
    events: readEvents(inputs.raw('event')),
    actors: inputs.globs('actor', 'dependabot[bot]')
  }
}

/**
 * The one run to act on and the repository it belongs to: `run-id` (then `repository` must name
 * one repository), or for rerun-failed and review-deployments the triggering run of a
 * `workflow_run` event, in the event's own repository only (the others are scanned).
 * @throws InputError for a `run-id` that is not a run id, or given with several repositories.
 */
function readRunId(
  raw: string,
  common: CommonSettings,
  operation: OperationName
): Pick<RunFilters, 'runId' | 'runIdRepository'> {
  const { repositories, runner } = common
  const value = raw.trim()
  if (value !== '') {
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) === 0) {
      throw new InputError(
        'run-id',
        `${JSON.stringify(value)} is not a workflow run id. Use the number from the run's URL, e.g. 'run-id: \${{ github.event.workflow_run.id }}'.`
      )
    }
    const pattern = common.repositoryEntries.find(entry => entry.kind === 'pattern')
    if (pattern !== undefined) {
      throw new InputError(
        'run-id',
        `${JSON.stringify(value)} names one run, but 'repository' has the pattern ${JSON.stringify(entryText(pattern))}, which can match several repositories; a run id belongs to one of them. Give the run's repository alone in 'repository' (e.g. 'repository: acme/web'), or leave 'run-id' empty to scan every repository.`
      )
    }
    const [only, ...more] = repositories.map(({ owner, repo }) => `${owner}/${repo}`)
    if (more.length > 0) {
      throw new InputError(
        'run-id',
        `${JSON.stringify(value)} names one run, but 'repository' lists ${repositories.length} repositories (${[only, ...more].join(', ')}); a run id belongs to one of them. Give the run's repository alone in 'repository', or leave 'run-id' empty to scan every repository.`
      )
    }
    return { runId: Number(value), ...(only !== undefined && { runIdRepository: only }) }
  }
  const usesTriggeringRun = operation === 'rerun-failed' || operation === 'review-deployments'
  const event = runner.eventRun
  if (!usesTriggeringRun || event === undefined) return {}
  const named = event.repository
  const hasPattern = common.repositoryEntries.some(entry => entry.kind === 'pattern')
  // A payload that names no repository can only be meant for a single one.
  const own = repositories
    .map(({ owner, repo }) => `${owner}/${repo}`)
    .find(name =>
      named === undefined
        ? repositories.length === 1 && !hasPattern
        : name.toLowerCase() === named.toLowerCase()
    )
  if (own !== undefined) return { runId: event.id, runIdRepository: own }
  // A pattern may match the event's repository; the run belongs to it alone (see runIdIn).
  return hasPattern && named !== undefined ? { runId: event.id, runIdRepository: named } : {}
}

const EVENT_NAME = /^[a-z_]+$/

function readEvents(raw: string): string[] {
  const events = parseList(raw)
  for (const event of events) {
    if (!EVENT_NAME.test(event)) {
      throw new InputError(
        'event',
        `${JSON.stringify(event)} is not an event name. Use names like push, pull_request, schedule, e.g. 'event: push'.`
      )
    }
  }
  return events
}
