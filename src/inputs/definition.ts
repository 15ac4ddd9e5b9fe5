/**
 * The one definition of the operations, their inputs and their outputs. Everything a user reads
 * about an input comes from here: the top-level `action.yml`, each operation's sub-action
 * (`<operation>/action.yml`), the README's input and output tables, the command line's flags and
 * `--help`, and the defaults the settings readers apply (`StepInputs`). `npm run generate` writes
 * the files; a test fails when one of them drifts from this definition.
 *
 * Pure data: no imports, so the generator, the bundle's entry and the command line can all load
 * it without loading anything else.
 */

/** The operations, in the order the README documents them. */
export const OPERATIONS = [
  'rerun-failed',
  'cancel-stale',
  'approve-fork-runs',
  'review-deployments',
  'rotate-secrets',
  'delete-runs',
  'delete-artifacts',
  'delete-caches'
] as const

export type OperationName = (typeof OPERATIONS)[number]

/** What an operation does, in one sentence (sub-action descriptions, README, `--help`). */
export const OPERATION_SUMMARIES: Record<OperationName, string> = {
  'rerun-failed':
    'Re-run the failed jobs of failed workflow runs, with guards: attempts, the 30-day window, active runs, flaky-only filters.',
  'cancel-stale':
    'Cancel active workflow runs superseded by a newer run of their group, or older than stale-after; force-cancel runs that ignore the cancel.',
  'approve-fork-runs':
    "Approve fork pull-request runs waiting for approval, only when the pull request at the run's commit touches no protected path.",
  'review-deployments':
    'Approve or reject pending deployments, and answer custom deployment protection rules.',
  'rotate-secrets':
    'Write new secret values, sealed with libsodium, for Actions, Dependabot and Codespaces, to repositories, environments or organizations, keeping organization visibility.',
  'delete-runs':
    'Delete completed workflow runs (with their logs and artifacts) older than older-than, keeping the newest of each workflow and branch.',
  'delete-artifacts':
    'Delete artifacts older than older-than, keeping the newest of each name and branch, and report the bytes freed.',
  'delete-caches':
    'Delete Actions caches by key and ref unused since older-than, or those of closed pull requests, and report the bytes freed.'
}

/** How a value is written; the command line takes a bare `--INPUT` for a boolean and repeats lists. */
export type InputType = 'string' | 'boolean' | 'integer' | 'duration' | 'list'

export interface InputDefinition {
  /** As `action.yml` shows it (plain text, wrapped by the generator). */
  readonly description: string
  /**
   * The default, as `action.yml` writes it. A `${{ … }}` expression is evaluated by the runner, so
   * code never applies it (see `StepInputs`); any other default is applied to a blank value.
   */
  readonly default?: string
  /** Required by every operation that takes it (the step fails without it). */
  readonly required?: boolean
  readonly type: InputType
  /** The operations that take it; `all` for every one. */
  readonly operations: 'all' | readonly OperationName[]
  /** Holds a secret: the command line never shows its value, not even a default. */
  readonly secret?: boolean
}

const RUN_OPERATIONS = [
  'rerun-failed',
  'cancel-stale',
  'approve-fork-runs',
  'review-deployments',
  'delete-runs'
] as const satisfies readonly OperationName[]

const CLEAN_UP_OPERATIONS = [
  'delete-runs',
  'delete-artifacts',
  'delete-caches'
] as const satisfies readonly OperationName[]

/**
 * The operations whose listings a later run repeats, and so may answer from `state-file`: every
 * one but rotate-secrets, whose reads (public keys, the secrets around each write) must be fresh.
 */
export const STATE_FILE_OPERATIONS = [
  ...RUN_OPERATIONS,
  'delete-artifacts',
  'delete-caches'
] as const satisfies readonly OperationName[]

/**
 * Every input, in the order of the top-level `action.yml` (common inputs first, then by operation).
 * `operation` is the top-level action's alone: a sub-action is one operation.
 */
export const INPUTS = {
  operation: {
    description:
      'What to do: rerun-failed, cancel-stale, approve-fork-runs, review-deployments, rotate-secrets, delete-runs, delete-artifacts or delete-caches.',
    required: true,
    type: 'string',
    operations: []
  },
  'github-token': {
    description:
      'Token used for every API call. See the README for the permissions each operation needs.',
    default: '${{ github.token }}',
    type: 'string',
    operations: 'all',
    secret: true
  },
  repository: {
    description:
      "One or more entries, separated by newlines or commas: owner/repo, or a pattern over the repositories the token can access: owner/GLOB (acme/*, acme/web-*; only the name part may be a glob, case-insensitive) or * (every one). Archived repositories a pattern finds are left out. Each repository is processed once; one's failure does not stop the others.",
    default: '${{ github.repository }}',
    type: 'list',
    operations: 'all'
  },
  'exclude-repository': {
    description:
      'Globs on owner/repo (acme/legacy-*, */sandbox; case-insensitive) never processed, whether named or matched; list.',
    default: '',
    type: 'list',
    operations: 'all'
  },
  'dry-run': {
    description:
      'Find and report every target with outcome `planned`; send no POST, PUT or DELETE.',
    default: 'false',
    type: 'boolean',
    operations: 'all'
  },
  limit: {
    description:
      'The most targets to change in one invocation; the rest are reported `skipped` (limit reached). rotate-secrets instead refuses to start when its writes exceed it.',
    default: '100',
    type: 'integer',
    operations: 'all'
  },
  'run-id': {
    description:
      "Act on this one workflow run only (run operations); `repository` must then name one repository (no pattern). When empty and the event is workflow_run, rerun-failed and review-deployments use github.event.workflow_run.id in the event's repository and scan any other; otherwise they scan.",
    default: '',
    type: 'string',
    operations: [...RUN_OPERATIONS, 'delete-artifacts']
  },
  workflow: {
    description: 'Only runs of these workflows, by file name (ci.yml) or numeric id; list.',
    default: '',
    type: 'list',
    operations: RUN_OPERATIONS
  },
  branch: {
    description: 'Only runs whose head branch matches one of these globs; list.',
    default: '',
    type: 'list',
    operations: [...RUN_OPERATIONS, 'delete-artifacts']
  },
  'exclude-branch': {
    description: 'Never touch runs whose head branch matches one of these globs; list.',
    default: '',
    type: 'list',
    operations: [...RUN_OPERATIONS, 'delete-artifacts']
  },
  event: {
    description: 'Only runs triggered by these events (push, pull_request, schedule, …); list.',
    default: '',
    type: 'list',
    operations: RUN_OPERATIONS
  },
  actor: {
    description:
      'Only runs whose triggering actor (else actor) login matches one of these globs; list.',
    default: '',
    type: 'list',
    operations: RUN_OPERATIONS
  },
  'fail-on-error': {
    description:
      "Fail the step when any target's outcome is `failed` (after every target was processed).",
    default: 'true',
    type: 'boolean',
    operations: 'all'
  },
  'state-file': {
    description:
      'Path of a JSON file that keeps, from one run to the next, the validators (ETag) of the listings and what the decisions need from them: read when the step starts, rewritten when it ends. Later runs ask with If-None-Match, and a listing unchanged since (304 Not Modified) costs no rate-limit point while the token stays the same (GitHub binds validators to the token). Decisions are the same as without it. Empty = off. See the README, Repeat sweeps.',
    default: '',
    type: 'string',
    operations: STATE_FILE_OPERATIONS
  },

  // rerun-failed
  lookback: {
    description:
      'rerun-failed: scan runs created within this window (90s, 30m, 6h, 7d, 1h30m; at most 400d).',
    default: '24h',
    type: 'duration',
    operations: ['rerun-failed']
  },
  conclusions: {
    description:
      'rerun-failed: which conclusions count as failed: failure, timed_out, cancelled (empty = failure). delete-runs: the conclusions of the runs to delete, any of success, failure, neutral, cancelled, skipped, timed_out, action_required, stale, startup_failure (empty = any). List.',
    default: '',
    type: 'list',
    operations: ['rerun-failed', 'delete-runs']
  },
  'max-attempts': {
    description: 'rerun-failed: skip runs whose run_attempt is at least this (GitHub allows 50).',
    default: '3',
    type: 'integer',
    operations: ['rerun-failed']
  },
  'job-filter': {
    description:
      'rerun-failed: globs on job names; a run is re-run only when every failed job of its latest attempt matches one of them.',
    default: '',
    type: 'list',
    operations: ['rerun-failed']
  },
  'log-pattern': {
    description:
      "rerun-failed: regular expression in RE2 syntax (matched in linear time: no backreferences, no lookahead or lookbehind; flags inline, e.g. (?i)); re-run only when a line of a failed job's log matches it.",
    default: '',
    type: 'string',
    operations: ['rerun-failed']
  },
  'enable-debug-logging': {
    description: 'rerun-failed: turn on debug logging for the re-run.',
    default: 'false',
    type: 'boolean',
    operations: ['rerun-failed']
  },
  'skip-superseded': {
    description:
      'rerun-failed: skip runs for which a newer run of the same workflow on the same branch exists.',
    default: 'true',
    type: 'boolean',
    operations: ['rerun-failed']
  },

  // cancel-stale
  'keep-latest': {
    description:
      'cancel-stale: active runs kept per group (workflow, event, head branch, head repository; at least 1). delete-runs: completed runs kept per workflow, head branch and head repository; delete-artifacts: artifacts kept per name, head branch and head repository (0 keeps none).',
    default: '1',
    type: 'integer',
    operations: ['cancel-stale', 'delete-runs', 'delete-artifacts']
  },
  'stale-after': {
    description:
      'cancel-stale: an active run older than this is stale regardless of its group (e.g. 6h; at most 35d).',
    default: '',
    type: 'duration',
    operations: ['cancel-stale']
  },
  'force-cancel-after': {
    description:
      'cancel-stale: after cancelling, wait up to this long for the runs to complete, then force-cancel the ones still active (e.g. 5m; at most 6h).',
    default: '',
    type: 'duration',
    operations: ['cancel-stale']
  },
  status: {
    description:
      'cancel-stale: only runs in these active statuses are cancelled: queued, in_progress, waiting, pending, requested; list (empty = all of them). Groups are still judged on every active run: with queued, waiting, a queued run superseded by a newer in-progress run is cancelled and the in-progress one is left alone.',
    default: '',
    type: 'list',
    operations: ['cancel-stale']
  },

  // approve-fork-runs
  'trusted-actors': {
    description: 'approve-fork-runs: globs on the triggering actor login; empty = anyone.',
    default: '',
    type: 'list',
    operations: ['approve-fork-runs']
  },
  'protected-paths': {
    description:
      'approve-fork-runs: globs, case-insensitive; a folder protects everything below it. A pull request that changes any of these is never approved. A value replaces the defaults (list them again to keep them).',
    default: '.github/workflows/**\n.github/actions/**\n',
    type: 'list',
    operations: ['approve-fork-runs']
  },
  'allowed-paths': {
    description:
      "approve-fork-runs: globs, matched like protected-paths (case-insensitive; a folder covers everything below it); empty = any path. When set, a run is approved only when every file its pull request changes, renamed files' old names too, matches one of them (docs/**, **/*.md for documentation-only contributions). protected-paths still applies.",
    default: '',
    type: 'list',
    operations: ['approve-fork-runs']
  },

  // review-deployments
  environments: {
    description: 'review-deployments: globs on environment names; empty = all.',
    default: '',
    type: 'list',
    operations: ['review-deployments']
  },
  state: {
    description: 'review-deployments: approved or rejected.',
    default: 'approved',
    type: 'string',
    operations: ['review-deployments']
  },
  comment: {
    description: 'review-deployments: comment sent with the review (the API requires one).',
    default: 'Reviewed by actions-ops',
    type: 'string',
    operations: ['review-deployments']
  },

  // rotate-secrets
  secrets: {
    description:
      'rotate-secrets: secret names; list. Letters, digits and _, not starting with a digit or GITHUB_.',
    default: '',
    type: 'list',
    operations: ['rotate-secrets']
  },
  value: {
    description:
      'rotate-secrets: the new value for every named secret, as given (not trimmed; masked at once, and line by line). Empty or only whitespace is refused unless generate is true.',
    default: '',
    type: 'string',
    operations: ['rotate-secrets'],
    secret: true
  },
  generate: {
    description: 'rotate-secrets: generate a fresh random value per secret instead of value.',
    default: 'false',
    type: 'boolean',
    operations: ['rotate-secrets']
  },
  length: {
    description:
      'rotate-secrets: bytes of randomness for generate (characters for encoding alphanumeric).',
    default: '32',
    type: 'integer',
    operations: ['rotate-secrets']
  },
  encoding: {
    description: 'rotate-secrets: base64url, base64, hex or alphanumeric.',
    default: 'base64url',
    type: 'string',
    operations: ['rotate-secrets']
  },
  scope: {
    description: 'rotate-secrets: repository, environment or organization.',
    default: 'repository',
    type: 'string',
    operations: ['rotate-secrets']
  },
  app: {
    description:
      'rotate-secrets: the secret stores to write every secret to; list of actions, dependabot, codespaces. Dependabot and Codespaces secrets have no environment scope.',
    default: 'actions',
    type: 'list',
    operations: ['rotate-secrets']
  },
  environment: {
    description: 'rotate-secrets: environment name, for scope environment.',
    default: '',
    type: 'string',
    operations: ['rotate-secrets']
  },
  organization: {
    description:
      'rotate-secrets: organization login for scope organization; empty = owner of repository.',
    default: '',
    type: 'string',
    operations: ['rotate-secrets']
  },
  visibility: {
    description:
      "rotate-secrets: for scope organization: all, private or selected. Empty keeps an existing secret's visibility and selected repositories; a new secret is private.",
    default: '',
    type: 'string',
    operations: ['rotate-secrets']
  },
  'selected-repositories': {
    description: 'rotate-secrets: repository names for visibility selected; list.',
    default: '',
    type: 'list',
    operations: ['rotate-secrets']
  },

  // delete-runs, delete-artifacts, delete-caches
  'older-than': {
    description:
      'delete-runs, delete-artifacts, delete-caches: required; only targets created (caches: last accessed) before now minus this (e.g. 30d); 0s = any age.',
    default: '',
    type: 'duration',
    operations: CLEAN_UP_OPERATIONS
  },
  'workflow-state': {
    description:
      "delete-runs: only runs whose workflow is in one of these states: active, deleted, disabled_fork, disabled_inactivity, disabled_manually; list (empty = any). A run whose workflow GitHub no longer lists counts as deleted, so 'deleted' purges the runs of workflow files since removed.",
    default: '',
    type: 'list',
    operations: ['delete-runs']
  },
  'keep-open-pull-requests': {
    description:
      'delete-runs: never delete a run whose head commit is the head of an open pull request (its checks would go from the pull request). Needs pull-requests: read; false skips that listing.',
    default: 'true',
    type: 'boolean',
    operations: ['delete-runs']
  },
  'artifact-name': {
    description: 'delete-artifacts: globs on the artifact name; empty = every artifact.',
    default: '',
    type: 'list',
    operations: ['delete-artifacts']
  },
  'cache-key': {
    description: 'delete-caches: globs on the cache key; empty = every key.',
    default: '',
    type: 'list',
    operations: ['delete-caches']
  },
  'cache-ref': {
    description:
      "delete-caches: globs on the cache's full git ref (refs/heads/main, refs/pull/*/merge); empty = every ref.",
    default: '',
    type: 'list',
    operations: ['delete-caches']
  },
  'closed-pull-requests': {
    description:
      'delete-caches: only caches of pull requests (refs/pull/N/merge or /head) that are closed or merged; caches of branches are never deleted then.',
    default: 'false',
    type: 'boolean',
    operations: ['delete-caches']
  }
} as const satisfies Record<string, InputDefinition>

export type InputName = keyof typeof INPUTS

export interface OutputDefinition {
  readonly description: string
  /** The operations that set it; `all` for every one. */
  readonly operations: 'all' | readonly OperationName[]
}

export const OUTPUTS = {
  result: {
    description:
      'JSON array, one object per target: repository, kind, id, action, outcome (done, planned, skipped, failed), reason, url; a secret also app (its store: actions, dependabot or codespaces).',
    operations: 'all'
  },
  count: {
    description: 'Number of targets with outcome done (planned in a dry run).',
    operations: 'all'
  },
  'run-ids': {
    description: 'Comma-separated ids of the runs acted on (planned ones in a dry run).',
    operations: RUN_OPERATIONS
  },
  'bytes-freed': {
    description:
      'delete-artifacts, delete-caches: the summed size_in_bytes of the targets deleted (planned in a dry run); those already gone are not counted.',
    operations: ['delete-artifacts', 'delete-caches']
  },
  'generated-values': {
    description:
      'rotate-secrets with generate: JSON object name → value of each secret GitHub accepted in at least one scope, verified or not (empty in a dry run), every value masked.',
    operations: ['rotate-secrets']
  }
} as const satisfies Record<string, OutputDefinition>

export type OutputName = keyof typeof OUTPUTS

/** Whether `operation` takes the input or sets the output `definition` describes. */
export function appliesTo(
  definition: { readonly operations: 'all' | readonly OperationName[] },
  operation: OperationName
): boolean {
  return definition.operations === 'all' || definition.operations.includes(operation)
}

/** The inputs `operation` takes, in definition order (its sub-action's inputs). */
export function inputsOf(operation: OperationName): InputName[] {
  return (Object.keys(INPUTS) as InputName[]).filter(name => appliesTo(INPUTS[name], operation))
}

/** The outputs `operation` sets, in definition order (its sub-action's outputs). */
export function outputsOf(operation: OperationName): OutputName[] {
  return (Object.keys(OUTPUTS) as OutputName[]).filter(name => appliesTo(OUTPUTS[name], operation))
}

/** The default code applies to a blank `name`: undefined for none and for a runner expression. */
export function defaultOf(name: InputName): string | undefined {
  const value: string | undefined = (INPUTS[name] as InputDefinition).default
  return value === undefined || value === '' || isExpression(value) ? undefined : value
}

/** A `${{ … }}` expression, which only GitHub's runner evaluates. */
export function isExpression(value: string): boolean {
  return /\$\{\{[\s\S]*?\}\}/.test(value)
}
