/**
 * What GitHub's runner hands the action and a terminal does not: the token, the API, the
 * repository. Found here the way `gh` users expect (`GH_TOKEN`, `GH_HOST`, `gh auth token`, the
 * `origin` remote), and given to the settings readers as an environment built here, so that
 * nothing of a workflow run's environment (`GITHUB_EVENT_PATH`, …) reaches them by accident.
 */
import { execFileSync } from 'node:child_process'
import { parseRepository } from '../../inputs/parse.js'
import type { Environment } from '../../inputs/step-inputs.js'

/**
 * Runs a program (never through a shell) and returns what it printed on stdout, trimmed; undefined
 * when it cannot be started, fails, prints nothing or takes too long.
 */
export type CommandRunner = (file: string, args: readonly string[]) => string | undefined

/** How long `gh auth token` or `git remote get-url` may take (they read local files only). */
const COMMAND_TIMEOUT_MS = 10_000

export const runCommand: CommandRunner = (file, args) => {
  try {
    const out = execFileSync(file, args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: COMMAND_TIMEOUT_MS,
      windowsHide: true
    }).trim()
    return out === '' ? undefined : out
  } catch {
    return undefined
  }
}

/** Where the token came from, for `--verbose` and messages (never the token itself). */
export type TokenSource = '--github-token' | 'GH_TOKEN' | 'GITHUB_TOKEN' | 'gh auth token'

/**
 * The token: `--github-token`, else `GH_TOKEN`, else `GITHUB_TOKEN`, else what `gh auth token`
 * prints (for `GH_HOST`'s host when it is set), as the GitHub CLI itself looks for one.
 * @returns undefined when none is found.
 */
export function findToken(
  flag: string | undefined,
  env: Environment,
  run: CommandRunner = runCommand
): { token: string; source: TokenSource } | undefined {
  if (flag !== undefined && flag.trim() !== '') return { token: flag, source: '--github-token' }
  for (const name of ['GH_TOKEN', 'GITHUB_TOKEN'] as const) {
    const value = env[name]
    if (value !== undefined && value.trim() !== '') return { token: value, source: name }
  }
  const host = env.GH_HOST?.trim()
  const printed = run('gh', ['auth', 'token', ...(host ? ['--hostname', host] : [])])
  return printed === undefined ? undefined : { token: printed, source: 'gh auth token' }
}

/** A host as `GH_HOST` may give it: `ghe.example.com`, also with a scheme or a trailing slash. */
function bareHost(host: string): string {
  return host
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/\/+$/, '')
}

/**
 * The REST API's base URL: `GITHUB_API_URL`, else `GH_HOST`'s (`https://HOST/api/v3`, GitHub
 * Enterprise Server; `github.com` is `https://api.github.com`, and a GHE.com host `SUB.ghe.com` is
 * `https://api.SUB.ghe.com`), else `https://api.github.com`. No trailing slash.
 */
export function apiUrlFor(env: Environment): string {
  const explicit = env.GITHUB_API_URL?.trim()
  if (explicit) return explicit.replace(/\/+$/, '')
  const host = bareHost(env.GH_HOST ?? '').toLowerCase()
  if (host === '' || host === 'github.com') return 'https://api.github.com'
  if (host.endsWith('.ghe.com')) return `https://api.${host}`
  return `https://${host}/api/v3`
}

/**
 * The web UI's base URL, for the links in the results: `GITHUB_SERVER_URL`, else the one the API
 * URL belongs to (`https://api.github.com` → `https://github.com`, `https://HOST/api/v3` →
 * `https://HOST`, `https://api.SUB.ghe.com` → `https://SUB.ghe.com`); undefined when it cannot be
 * told (the readers then use `https://github.com`).
 */
export function serverUrlFor(env: Environment, apiUrl: string): string | undefined {
  const explicit = env.GITHUB_SERVER_URL?.trim()
  if (explicit) return explicit.replace(/\/+$/, '')
  let url: URL
  try {
    url = new URL(apiUrl)
  } catch {
    return undefined
  }
  if (url.pathname.replace(/\/+$/, '') === '/api/v3') return url.origin
  if (url.pathname.replace(/\/+$/, '') === '' && url.hostname.startsWith('api.')) {
    return `${url.protocol}//${url.host.slice('api.'.length)}`
  }
  return undefined
}

/** A repository named by a git remote URL. */
export interface RemoteRepository {
  host: string
  owner: string
  repo: string
}

/**
 * Reads `OWNER/REPO` from a git remote URL: `https://HOST/OWNER/REPO[.git]` (also `http`, with a
 * user or a port), `ssh://git@HOST[:PORT]/OWNER/REPO[.git]`, `git://…`, or scp-like
 * `git@HOST:OWNER/REPO[.git]`.
 * @returns undefined for any other form, e.g. a local path or a path of more than two parts.
 */
export function parseRemoteUrl(remote: string): RemoteRepository | undefined {
  const text = remote.trim()
  let host: string
  let path: string
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return undefined
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(url.protocol)) {
      return undefined
    }
    host = url.hostname
    path = decodeURIComponent(url.pathname)
  } else {
    // scp-like: [user@]host:path, where the host has no slash (a path with a colon is local).
    const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(text)
    if (scp === null) return undefined
    host = scp[1] ?? ''
    path = scp[2] ?? ''
  }
  const fullName = path
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
  try {
    return { host, ...parseRepository('repository', fullName) }
  } catch {
    // Not OWNER/REPO (a path of more parts, a name GitHub would not take).
    return undefined
  }
}

/** Where the repository came from, for `--verbose` (the `--repository` flag reaches the readers itself). */
export type RepositorySource = 'GITHUB_REPOSITORY' | 'the origin remote'

/**
 * The repository to use when `--repository` is not given: `GITHUB_REPOSITORY`, else the `origin`
 * remote of the git repository in the working directory.
 * @returns undefined when neither names one.
 */
export function findRepository(
  env: Environment,
  run: CommandRunner = runCommand
): { repository: string; source: RepositorySource } | undefined {
  const named = env.GITHUB_REPOSITORY?.trim()
  if (named) return { repository: named, source: 'GITHUB_REPOSITORY' }
  const remote = run('git', ['remote', 'get-url', 'origin'])
  const parsed = remote === undefined ? undefined : parseRemoteUrl(remote)
  return parsed === undefined
    ? undefined
    : { repository: `${parsed.owner}/${parsed.repo}`, source: 'the origin remote' }
}

/**
 * The environment the settings readers get from the command line: the API and web URLs, the
 * repository found, and `ACTIONS_OPS_TIME_SCALE` (a knob of tests). Inside a workflow run, also
 * `GITHUB_RUN_ID`, so that cancel-stale never cancels the run the command itself runs in. No event
 * and no payload: a terminal has none.
 */
export function readerEnvironment(
  env: Environment,
  found: { apiUrl: string; serverUrl?: string; repository?: string }
): Environment {
  return {
    GITHUB_API_URL: found.apiUrl,
    ...(found.serverUrl !== undefined && { GITHUB_SERVER_URL: found.serverUrl }),
    ...(found.repository !== undefined && { GITHUB_REPOSITORY: found.repository }),
    ...(env.GITHUB_ACTIONS === 'true' &&
      env.GITHUB_RUN_ID !== undefined && { GITHUB_RUN_ID: env.GITHUB_RUN_ID }),
    ...(env.ACTIONS_OPS_TIME_SCALE !== undefined && {
      ACTIONS_OPS_TIME_SCALE: env.ACTIONS_OPS_TIME_SCALE
    })
  }
}
