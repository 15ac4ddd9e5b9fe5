/**
 * What every operation's settings share: the repositories, the runner's context, pacing, and the
 * filters of the run operations. Each operation's own settings type sits beside its handler
 * (`operations/<name>/settings.ts`); its reader (`operations/<name>/inputs.ts`) builds them once
 * from the step's inputs, and nothing below the readers reads an input.
 */
import type { RUN_CONCLUSIONS } from './github-limits.js'

export type { OperationName } from './inputs/definition.js'

/** A repository as `owner/repo`, split. */
export interface RepositoryRef {
  owner: string
  repo: string
}

/** `owner/repo`, as GitHub writes a repository's full name. */
export function fullName(repository: RepositoryRef): string {
  return `${repository.owner}/${repository.repo}`
}

/** The run a `workflow_run` event was sent for (`github.event.workflow_run`). */
export interface EventRun {
  id: number
  /** The `run_attempt` the event was sent for, when the payload gives it. */
  attempt?: number
  /** The `owner/repo` the payload names (its `repository`, else the run's), when it names one. */
  repository?: string
}

/**
 * One entry of `repository`: a repository named outright (processed as named), or a pattern that
 * `resolveRepositories` (repositories.ts) turns into the repositories the token can access.
 */
export type RepositoryEntry =
  | { kind: 'named'; owner: string; repo: string }
  | {
      kind: 'pattern'
      /** The entry as written, e.g. `acme/web-*` or `*`. */
      text: string
      /** The owner whose repositories are matched; absent for `*` (every repository). */
      owner?: string
      /** Minimatch glob on the repository name (case-insensitive); `*` for `owner/*` and `*`. */
      glob: string
    }

/** What the runner tells about the workflow run this step is part of. */
export interface RunnerContext {
  /** `GITHUB_EVENT_NAME`, e.g. `push`, `workflow_run`; empty outside a runner. */
  eventName: string
  /** The parsed `GITHUB_EVENT_PATH` payload, `{}` when there is none. */
  payload: Record<string, unknown>
  /** On a `workflow_run` event whose payload names its run: that run, read once from the payload. */
  eventRun?: EventRun
  /** `GITHUB_RUN_ID`: the run this step runs in, never cancelled by this action. */
  currentRunId?: number
  /** Base URL of the REST API (`GITHUB_API_URL`), without a trailing slash. */
  apiUrl: string
  /** Base URL of the web UI (`GITHUB_SERVER_URL`), for links in the summary. */
  serverUrl: string
}

/** Knobs for pacing and retries. Defaults follow GitHub's guidance; see `ACTIONS_OPS_TIME_SCALE`. */
export interface PacingSettings {
  /** `ACTIONS_OPS_TIME_SCALE`: 1 on GitHub; tests shrink every wait with it. */
  timeScale: number
  /** Minimum gap between two writes, in milliseconds (GitHub asks for at least 1000). */
  writeIntervalMs: number
  /** Base of the retry backoff, in milliseconds: retries wait 1×, 4×, 9× this. */
  retryBaseMs: number
  /** Multiplier applied to every `retry-after` a server sends (1 = honour it as sent). */
  retryAfterScale: number
  /** Milliseconds before a request that has not answered is abandoned (and retried). */
  requestTimeoutMs: number
  /** Milliseconds between two polls while waiting for runs to finish (`force-cancel-after`). */
  pollIntervalMs: number
}

/** Inputs shared by every operation. */
export interface CommonSettings {
  /** The token for every API call. Never logged. */
  token: string
  /**
   * Every repository to process, in order, without duplicates, none excluded. As parsed: the named
   * entries of `repository`. `resolveRepositories` (repositories.ts, run once in main.ts before
   * the handler) replaces it with the named and matched repositories in entry order, so handlers
   * read the resolved list here.
   */
  repositories: RepositoryRef[]
  /** The entries of `repository` as given (named and patterns), without duplicates. */
  repositoryEntries: RepositoryEntry[]
  /** `exclude-repository`: globs on `owner/repo` (case-insensitive) never processed. */
  excludeRepositories: string[]
  /** Plan and report only; send no POST, PUT or DELETE. */
  dryRun: boolean
  /** The most targets to change in one invocation. */
  limit: number
  /** Fail the step when any target's outcome is `failed`. */
  failOnError: boolean
  /**
   * `state-file`, as an absolute path: the listings' validators and what the decisions need from
   * them, kept from one run to the next (see `boundary/state-file.ts`). Unset: no conditional
   * request is sent.
   */
  stateFile?: string
  runner: RunnerContext
  pacing: PacingSettings
}

/** The common filters of the operations that act on workflow runs. */
export interface RunFilters {
  /** One run only (`run-id`, or the triggering run of a `workflow_run` event where the operation uses it). */
  runId?: number
  /**
   * The `owner/repo` (as `repository` spells it) that `runId` belongs to; every other repository
   * is scanned as without `runId`. Unset: every repository (`runIdIn` in runs.ts decides).
   */
  runIdRepository?: string
  /** Workflow file names (`ci.yml`) or numeric ids; empty = every workflow. */
  workflows: string[]
  /** Globs on `head_branch`; empty = every branch. */
  branches: string[]
  /** Globs on `head_branch` never to touch. */
  excludeBranches: string[]
  /** Triggering events; empty = every event. */
  events: string[]
  /** Globs on the triggering actor's login; empty = anyone. */
  actors: string[]
}

export type FailedConclusion = 'failure' | 'timed_out' | 'cancelled'

/** Every conclusion a completed workflow run can have. */
export type RunConclusion = (typeof RUN_CONCLUSIONS)[number]

/** What the clean-up operations share: deleting is irreversible, so the age is always given. */
export interface CleanUpSettings extends CommonSettings {
  /**
   * `older-than`, in seconds: only targets created (caches: last accessed) more than this long
   * ago. 0 (`older-than: 0s`) = no age condition. Required: the step fails without it.
   */
  olderThanSeconds: number
}

/** Where secrets are written: each repository, an environment of each, or an organization. */
export type SecretScopeKind = 'repository' | 'environment' | 'organization'
/** A secret store (GitHub's "app" of a secret): whose runs or tools read the secret. */
export type SecretApp = 'actions' | 'dependabot' | 'codespaces'
export type SecretVisibility = 'all' | 'private' | 'selected'
