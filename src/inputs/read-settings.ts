/**
 * The one place that reads the step's inputs and the runner's environment. It validates every
 * value before the first API call and returns typed settings for exactly one operation.
 */
import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { closest } from 'fastest-levenshtein'
import { messageOf, PERMISSION_HINTS, PROTECTION_RULE_TOKEN_HINT } from '../boundary/api-errors.js'
import { protectionRulePayload } from '../operations/review-deployments/rules.js'
import { MAX_RUN_ATTEMPTS, MAX_SECRET_BYTES, RUN_CONCLUSIONS } from '../github-limits.js'
import { SECRET_APPS, SECRET_APP_NAMES, SECRET_APP_SCOPES } from '../operations/rotate-secrets/rules.js'
import {
  InputError,
  type DurationBounds,
  parseBoolean,
  parseChoice,
  parseDurationSeconds,
  parseGlobs,
  parseInteger,
  parseList,
  parseRegExp,
  parseRequiredAgeSeconds,
  entryText,
  parseRepositoryEntries,
  parseRepositoryGlobs,
  parseWorkflows
} from './parse.js'
import { excludedBy } from '../readers/repositories.js'
import {
  OPERATIONS,
  type CommonSettings,
  type EventRun,
  type FailedConclusion,
  type OperationName,
  type PacingSettings,
  type RunConclusion,
  type RunFilters,
  type RunnerContext,
  type SecretApp,
  type SecretEncoding,
  type SecretScopeKind,
  type SecretVisibility,
  type Settings
} from '../settings.js'

/**
 * Reads one input by its `action.yml` name; returns '' when unset. Trims surrounding whitespace
 * unless `trimWhitespace` is false, like `core.getInput`.
 */
export type InputReader = (name: string, options?: { trimWhitespace?: boolean }) => string

/** Environment variables, as `process.env`. */
export type Environment = Record<string, string | undefined>

const HOUR = 3600
const DAY = 24 * HOUR
/** `lookback`: runs are kept at most 400 days (the longest retention GitHub offers). */
const LOOKBACK_BOUNDS: DurationBounds = {
  max: 400 * DAY,
  why: 'GitHub keeps runs at most 400 days'
}
/** `stale-after`: no run can be older, since GitHub ends a workflow run after 35 days. */
const STALE_AFTER_BOUNDS: DurationBounds = {
  max: 35 * DAY,
  why: 'GitHub ends a workflow run after 35 days'
}
/** `force-cancel-after`: the step waits inside its own job, which a GitHub-hosted runner ends after 6 hours. */
const FORCE_CANCEL_AFTER_BOUNDS: DurationBounds = {
  max: 6 * HOUR,
  why: 'the step waits inside its job, which a GitHub-hosted runner ends after 6 hours'
}

const FAILED_CONCLUSIONS: readonly FailedConclusion[] = ['failure', 'timed_out', 'cancelled']
/** Completed runs or artifacts kept per group, at most (cancel-stale keeps at least 1). */
const MAX_KEEP_LATEST = 1000
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/
const DEFAULT_PROTECTED_PATHS = ['.github/workflows/**', '.github/actions/**']

/**
 * Builds the settings for this invocation.
 * @param read input reader; defaults to `core.getInput` (the only call of it in the action).
 * @param env environment; defaults to `process.env` (`GITHUB_*` and `ACTIONS_OPS_TIME_SCALE`).
 * @returns settings for the chosen operation; secret values and the token are already masked.
 * @throws InputError naming the input, the value and an accepted example; Error for a bad
 *   `ACTIONS_OPS_TIME_SCALE`.
 */
export function getSettings(
  read: InputReader = (name, options) => core.getInput(name, options),
  env: Environment = process.env
): Settings {
  const operation = parseOperation(read('operation'))
  const common = readCommon(read, env, operation)
  switch (operation) {
    case 'cancel-stale': {
      const staleAfterSeconds = parseDurationSeconds(
        'stale-after',
        read('stale-after'),
        STALE_AFTER_BOUNDS
      )
      const forceCancelAfterSeconds = parseDurationSeconds(
        'force-cancel-after',
        read('force-cancel-after'),
        FORCE_CANCEL_AFTER_BOUNDS
      )
      return {
        ...common,
        operation,
        filters: readRunFilters(read, common, operation),
        keepLatest: parseInteger('keep-latest', read('keep-latest'), 1, {
          min: 1,
          max: MAX_KEEP_LATEST
        }),
        ...(staleAfterSeconds !== undefined && { staleAfterSeconds }),
        ...(forceCancelAfterSeconds !== undefined && { forceCancelAfterSeconds })
      }
    }
    case 'rerun-failed': {
      const logPattern = parseRegExp('log-pattern', read('log-pattern'))
      return {
        ...common,
        operation,
        filters: readRunFilters(read, common, operation),
        lookbackSeconds:
          parseDurationSeconds('lookback', read('lookback'), LOOKBACK_BOUNDS) ?? 24 * HOUR,
        conclusions: readConclusions(read('conclusions')),
        maxAttempts: parseInteger('max-attempts', read('max-attempts'), 3, {
          min: 1,
          max: MAX_RUN_ATTEMPTS
        }),
        jobFilter: parseGlobs('job-filter', read('job-filter'), 'e2e*'),
        ...(logPattern !== undefined && { logPattern }),
        enableDebugLogging: parseBoolean(
          'enable-debug-logging',
          read('enable-debug-logging'),
          false
        ),
        skipSuperseded: parseBoolean('skip-superseded', read('skip-superseded'), true)
      }
    }
    case 'approve-fork-runs': {
      const protectedPaths = parseGlobs(
        'protected-paths',
        read('protected-paths'),
        '.github/workflows/**'
      )
      return {
        ...common,
        operation,
        filters: readRunFilters(read, common, operation),
        trustedActors: parseGlobs('trusted-actors', read('trusted-actors'), 'dependabot[bot]'),
        protectedPaths: protectedPaths.length > 0 ? protectedPaths : DEFAULT_PROTECTED_PATHS
      }
    }
    case 'review-deployments': {
      const comment = read('comment').trim()
      return {
        ...common,
        operation,
        filters: readRunFilters(read, common, operation),
        environments: parseGlobs('environments', read('environments'), 'staging'),
        state: parseChoice('state', read('state'), ['approved', 'rejected'], 'approved'),
        comment: comment === '' ? 'Reviewed by actions-ops' : comment
      }
    }
    case 'rotate-secrets':
      return readRotateSecrets(read, common)
    case 'delete-runs':
      return {
        ...common,
        operation,
        filters: readRunFilters(read, common, operation),
        olderThanSeconds: readOlderThan(read),
        keepLatest: readCleanUpKeepLatest(read),
        conclusions: readRunConclusions(read('conclusions'))
      }
    case 'delete-artifacts':
      refuseInputs(read, operation, ['workflow', 'event', 'actor'], ARTIFACT_FILTER_HINT)
      return {
        ...common,
        operation,
        filters: readRunFilters(read, common, operation),
        olderThanSeconds: readOlderThan(read),
        keepLatest: readCleanUpKeepLatest(read),
        artifactNames: parseGlobs('artifact-name', read('artifact-name'), 'coverage-*')
      }
    case 'delete-caches':
      refuseInputs(
        read,
        operation,
        ['run-id', 'workflow', 'branch', 'exclude-branch', 'event', 'actor'],
        CACHE_FILTER_HINT
      )
      return {
        ...common,
        operation,
        olderThanSeconds: readOlderThan(read),
        cacheKeys: parseGlobs('cache-key', read('cache-key'), 'Linux-node-*'),
        cacheRefs: parseGlobs('cache-ref', read('cache-ref'), 'refs/pull/*/merge'),
        closedPullRequests: parseBoolean(
          'closed-pull-requests',
          read('closed-pull-requests'),
          false
        )
      }
  }
}

const ARTIFACT_FILTER_HINT =
  "an artifact tells only its run's head branch; narrow with 'branch', 'exclude-branch', 'artifact-name' or 'run-id', e.g. 'artifact-name: coverage-*'"
const CACHE_FILTER_HINT =
  "a cache belongs to a git ref, not to a run; narrow with 'cache-ref' or 'cache-key', e.g. 'cache-ref: refs/heads/main'"

/**
 * Fails on inputs the operation cannot apply: for a deletion, an ignored filter would delete
 * more than the step says.
 * @throws InputError naming the first such input that is set, and what to use instead.
 */
function refuseInputs(
  read: InputReader,
  operation: OperationName,
  names: readonly string[],
  hint: string
): void {
  for (const name of names) {
    if (read(name).trim() !== '') {
      throw new InputError(name, `is not used by ${operation}: ${hint}. Remove '${name}'.`)
    }
  }
}

function readOlderThan(read: InputReader): number {
  return parseRequiredAgeSeconds('older-than', read('older-than'), '30d')
}

/** `keep-latest` of the clean-up operations: 0 keeps none (cancel-stale needs at least 1). */
function readCleanUpKeepLatest(read: InputReader): number {
  return parseInteger('keep-latest', read('keep-latest'), 1, { min: 0, max: MAX_KEEP_LATEST })
}

/**
 * Parses `operation`.
 * @throws InputError listing the valid names and the nearest one.
 */
export function parseOperation(raw: string): OperationName {
  const value = raw.trim()
  if ((OPERATIONS as readonly string[]).includes(value)) return value as OperationName
  const valid = OPERATIONS.join(', ')
  if (value === '') {
    throw new InputError(
      'operation',
      `is required. Use one of ${valid}, e.g. 'operation: cancel-stale'.`
    )
  }
  const nearest = closest(value.toLowerCase(), [...OPERATIONS])
  throw new InputError(
    'operation',
    `${JSON.stringify(value)} is not an operation. Did you mean '${nearest}'? Valid operations: ${valid}.`
  )
}

function readCommon(read: InputReader, env: Environment, operation: OperationName): CommonSettings {
  const runner = readRunnerContext(env, operation)
  // A protection rule is answered by its app alone: no other token is worth suggesting.
  const answersRule =
    operation === 'review-deployments' &&
    protectionRulePayload(runner.eventName, runner.payload) !== undefined
  const token = readToken(
    read('github-token'),
    `for ${operation}, ${answersRule ? PROTECTION_RULE_TOKEN_HINT : PERMISSION_HINTS[operation]}`
  )
  core.setSecret(token)
  const rawRepositories = read('repository').trim() || (env.GITHUB_REPOSITORY ?? '')
  const repositoryEntries = parseRepositoryEntries('repository', rawRepositories)
  if (repositoryEntries.length === 0) {
    throw new InputError(
      'repository',
      `is empty. Name at least one, e.g. 'repository: octo-org/web' or 'repository: octo-org/*'.`
    )
  }
  const excludeRepositories = parseRepositoryGlobs('exclude-repository', read('exclude-repository'))
  // The named ones as they are; patterns join them when resolved (repositories.ts), before any
  // target is looked at.
  const repositories = repositoryEntries.flatMap(entry =>
    entry.kind === 'named' &&
    excludedBy(`${entry.owner}/${entry.repo}`, excludeRepositories) === undefined
      ? [{ owner: entry.owner, repo: entry.repo }]
      : []
  )
  return {
    token,
    repositories,
    repositoryEntries,
    excludeRepositories,
    dryRun: parseBoolean('dry-run', read('dry-run'), false),
    limit: parseInteger('limit', read('limit'), 100, { min: 1, max: 10000 }),
    failOnError: parseBoolean('fail-on-error', read('fail-on-error'), true),
    runner,
    pacing: readPacing(env)
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

function readRunFilters(
  read: InputReader,
  common: CommonSettings,
  operation: OperationName
): RunFilters {
  return {
    ...readRunId(read('run-id'), common, operation),
    workflows: parseWorkflows('workflow', read('workflow')),
    branches: parseGlobs('branch', read('branch'), 'main, release/**'),
    excludeBranches: parseGlobs('exclude-branch', read('exclude-branch'), 'gh-pages'),
    events: readEvents(read('event')),
    actors: parseGlobs('actor', read('actor'), 'dependabot[bot]')
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

/** `conclusions` for delete-runs: any of GitHub's conclusions; empty = any conclusion. */
function readRunConclusions(raw: string): RunConclusion[] {
  return [
    ...new Set(
      parseList(raw).map(value => parseChoice('conclusions', value, RUN_CONCLUSIONS, 'failure'))
    )
  ]
}

/** `conclusions` for rerun-failed: the failed ones only; empty = `failure`. */
function readConclusions(raw: string): FailedConclusion[] {
  const values = parseList(raw)
  if (values.length === 0) return ['failure']
  return [
    ...new Set(
      values.map(value => parseChoice('conclusions', value, FAILED_CONCLUSIONS, 'failure'))
    )
  ]
}

function readRotateSecrets(read: InputReader, common: CommonSettings): Settings {
  const secrets = readSecretNames(read('secrets'))
  const generate = parseBoolean('generate', read('generate'), false)
  // Untrimmed: a PEM key's trailing newline is part of the value.
  const value = read('value', { trimWhitespace: false })
  // Whitespace alone is what a missing secret with stray spaces evaluates to: as empty as ''.
  const blank = value.trim() === ''
  if (!blank) maskValue(value)
  const encoding = parseChoice<SecretEncoding>(
    'encoding',
    read('encoding'),
    ['base64url', 'base64', 'hex', 'alphanumeric'],
    'base64url'
  )
  const length = parseInteger('length', read('length'), 32, { min: 16, max: 4096 })
  if (generate && !blank) {
    throw new InputError(
      'value',
      `is set while 'generate: true' asks for generated values. Set one of them, e.g. 'generate: true' with no value.`
    )
  }
  if (!generate && blank) {
    throw new InputError(
      'value',
      `is empty${value === '' ? '' : ' (only whitespace)'}. An empty value would wipe the secret (a missing \${{ secrets.X }} evaluates to ''). Pass 'value: \${{ steps.mint.outputs.token }}' or set 'generate: true'.`
    )
  }
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
    throw new InputError(
      'value',
      `is ${Buffer.byteLength(value, 'utf8')} bytes; GitHub accepts at most ${MAX_SECRET_BYTES} bytes (48 KB). Store a smaller value, e.g. a key rather than a bundle.`
    )
  }
  const scope = parseChoice<SecretScopeKind>(
    'scope',
    read('scope'),
    ['repository', 'environment', 'organization'],
    'repository'
  )
  const apps: SecretApp[] = []
  for (const raw of parseList(read('app'))) {
    const app = SECRET_APPS.find(known => known === raw)
    if (app === undefined) {
      throw new InputError(
        'app',
        `${JSON.stringify(raw)} is not a secret store. Use ${SECRET_APPS.join(', ')} (a list), e.g. 'app: actions, dependabot'.`
      )
    }
    if (!apps.includes(app)) apps.push(app)
  }
  if (apps.length === 0) apps.push('actions')
  const unscoped = apps.filter(app => !SECRET_APP_SCOPES[app].includes(scope))
  if (unscoped.length > 0) {
    const names = unscoped.map(app => SECRET_APP_NAMES[app]).join(' and ')
    throw new InputError(
      'app',
      `${unscoped.join(', ')} cannot be used with 'scope: ${scope}': ${names} secrets live in repositories and organizations only. Use 'scope: repository' or 'scope: organization' for them, and a step of its own with 'app: actions' for the environment, e.g. 'app: actions' with 'scope: environment'.`
    )
  }
  const environment = read('environment').trim()
  if (scope === 'environment' && environment === '') {
    throw new InputError(
      'environment',
      `is required with 'scope: environment', e.g. 'environment: production'.`
    )
  }
  if (scope !== 'environment' && environment !== '') {
    throw new InputError(
      'environment',
      `is only used with 'scope: environment'; add 'scope: environment' or remove it.`
    )
  }
  const organization = read('organization').trim()
  if (organization !== '' && !/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(organization)) {
    throw new InputError(
      'organization',
      `${JSON.stringify(organization)} is not an organization login, e.g. 'organization: octo-org'.`
    )
  }
  const rawVisibility = read('visibility').trim()
  const visibility =
    rawVisibility === ''
      ? undefined
      : parseChoice<SecretVisibility>(
          'visibility',
          rawVisibility,
          ['all', 'private', 'selected'],
          'private'
        )
  if (scope !== 'organization' && (visibility !== undefined || organization !== '')) {
    throw new InputError(
      visibility !== undefined ? 'visibility' : 'organization',
      `is only used with 'scope: organization'; add 'scope: organization' or remove it.`
    )
  }
  const selectedRepositories = dedupeNames(parseList(read('selected-repositories')))
  for (const name of selectedRepositories) {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
      throw new InputError(
        'selected-repositories',
        `${JSON.stringify(name)} is not a repository name. List names without the owner, e.g. 'selected-repositories: web, api'.`
      )
    }
  }
  if (selectedRepositories.length > 0 && visibility !== 'selected') {
    throw new InputError(
      'selected-repositories',
      `is only used with 'visibility: selected'; add it, e.g. 'visibility: selected' with 'selected-repositories: web, api', or remove it.`
    )
  }
  if (visibility === 'selected' && selectedRepositories.length === 0) {
    throw new InputError(
      'selected-repositories',
      `is empty while 'visibility: selected'; that would leave the secret visible to no repository. List them, e.g. 'selected-repositories: web, api'.`
    )
  }
  return {
    ...common,
    operation: 'rotate-secrets',
    secrets,
    source: generate ? { kind: 'generate', length, encoding } : { kind: 'value', value },
    scope,
    apps,
    ...(scope === 'environment' && { environment }),
    ...(scope === 'organization' && {
      organization: organization || defaultOrganization(common)
    }),
    ...(visibility !== undefined && { visibility }),
    selectedRepositories
  }
}

/**
 * The owner of the first entry of `repository` that names one (`acme/web` or `acme/*`).
 * @throws InputError naming `organization` when every entry is `*`.
 */
function defaultOrganization(common: CommonSettings): string {
  for (const entry of common.repositoryEntries) {
    if (entry.owner !== undefined) return entry.owner
  }
  throw new InputError(
    'organization',
    `is required with 'scope: organization' when 'repository' names no owner ('*'). Name the organization, e.g. 'organization: acme'.`
  )
}

/**
 * Masks a secret value as it is and each of its non-blank lines: the runner masks a log line by
 * line, so a multi-line value (a PEM key) printed in part would otherwise show.
 */
function maskValue(value: string): void {
  core.setSecret(value)
  for (const line of value.split(/\r\n|\r|\n/)) {
    if (line.trim() !== '' && line !== value) core.setSecret(line)
  }
}

/** Drops repeated names, case-insensitively like GitHub's repository names, keeping the first. */
function dedupeNames(names: string[]): string[] {
  const seen = new Set<string>()
  return names.filter(name => {
    const key = name.toLowerCase()
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function readSecretNames(raw: string): string[] {
  const names = parseList(raw)
  if (names.length === 0) {
    throw new InputError(
      'secrets',
      `is required. List the secret names to write, e.g. 'secrets: NPM_TOKEN'.`
    )
  }
  const seen = new Set<string>()
  for (const name of names) {
    if (!SECRET_NAME.test(name)) {
      throw new InputError(
        'secrets',
        `${JSON.stringify(name)} is not a secret name. Use letters, digits and _, not starting with a digit, e.g. 'secrets: NPM_TOKEN'.`
      )
    }
    if (name.toUpperCase().startsWith('GITHUB_')) {
      throw new InputError(
        'secrets',
        `${JSON.stringify(name)} starts with GITHUB_, which GitHub reserves. Rename it, e.g. 'GH_APP_KEY'.`
      )
    }
    seen.add(name.toUpperCase())
  }
  return [...seen]
}
