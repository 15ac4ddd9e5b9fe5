/**
 * Resolving `repository`: its patterns (`acme/*`, `acme/web-*`, `*`) become the repositories the
 * token can access, once, before any target is looked at; named entries stay as written; the
 * `exclude-repository` globs remove repositories in every case. Then an estimate of the reads the
 * sweep needs, against the primary rate limit left.
 *
 * Which listing serves which pattern (every page, 100 per page):
 * - an installation token (a GitHub App's, `GITHUB_TOKEN` too): `GET /installation/repositories`
 *   alone, once, for every pattern: what the installation was not granted is never matched;
 * - otherwise, `owner/GLOB`: `GET /orgs/{org}/repos` when the owner is an organization (a 404 says
 *   it is not); for the token's own account (`GET /user` tells its login)
 *   `GET /user/repos?affiliation=owner`, private ones included; for another user
 *   `GET /users/{username}/repos` (public ones only) and the private ones the token collaborates
 *   on from `GET /user/repos?affiliation=collaborator`;
 * - otherwise, `*`: `GET /user/repos` (own, collaborator and organization-member repositories).
 * Archived repositories found through a pattern are left out (they are read-only).
 */
import { log } from '../log.js'
import { minimatch } from 'minimatch'
import { firstLine, isApiError, statusOf } from '../boundary/api-errors.js'
import type { Octokit } from '../boundary/client.js'
import { PER_PAGE } from '../github-limits.js'
import type { Mutations } from '../boundary/mutations.js'
import type { Results } from '../boundary/outcomes.js'
import { entryText } from '../inputs/parse.js'
import { excludedBy } from '../rules/matching.js'
import {
  fullName,
  type CommonSettings,
  type OperationName,
  type RepositoryEntry,
  type RepositoryRef
} from '../settings.js'

type Pattern = Extract<RepositoryEntry, { kind: 'pattern' }>

/** A repository as a listing shows it, reduced to what resolution needs. */
export interface ListedRepository {
  owner: string
  repo: string
  archived: boolean
}

/** The repositories one pattern is matched against, and a phrase that names them for a warning. */
export interface Reach {
  repositories: readonly ListedRepository[]
  /** E.g. `the 12 repositories of organization acme this token can see`. */
  description: string
}

/** What the primary rate limit showed last: requests left and when the window resets. */
export interface RateLimitSeen {
  remaining: number
  reset: Date
}

/** `owner/repo`. */

/** Whether a pattern matches a repository: its owner (case-insensitive) and its name glob. */
export function matchesPattern(pattern: Pattern, repository: RepositoryRef): boolean {
  if (pattern.owner !== undefined && pattern.owner.toLowerCase() !== repository.owner.toLowerCase())
    return false
  return minimatch(repository.repo, pattern.glob, { nocase: true, dot: true })
}

/** What resolving needs of an operation's settings. */
export type ResolvableSettings = CommonSettings & { operation: OperationName }

/** What one entry contributed, for the log. */
export interface EntryNote {
  entry: RepositoryEntry
  /** Repositories the entry matched (named: 1), before exclusion and duplicates. */
  matched: number
  /** Archived repositories the pattern matched and left out. */
  archived: number
  /** Repositories removed by `exclude-repository`, with the glob that removed each. */
  excluded: Array<{ repository: string; glob: string }>
}

/**
 * Puts the list together (pure): entries in the order given, a pattern's repositories by name
 * (case-insensitive, owner first for `*`), archived ones of a pattern left out, excluded ones
 * removed, each repository once (case-insensitive; the first spelling wins).
 * @param matchesOf the repositories each pattern matched (a pattern without an entry matched none).
 */
export function assembleRepositories(
  entries: readonly RepositoryEntry[],
  matchesOf: ReadonlyMap<RepositoryEntry, readonly ListedRepository[]>,
  excludes: readonly string[]
): { repositories: RepositoryRef[]; notes: EntryNote[] } {
  const seen = new Set<string>()
  const repositories: RepositoryRef[] = []
  const notes: EntryNote[] = []
  for (const entry of entries) {
    const candidates: ListedRepository[] =
      entry.kind === 'named'
        ? [{ owner: entry.owner, repo: entry.repo, archived: false }]
        : [...(matchesOf.get(entry) ?? [])].sort(byFullName)
    const note: EntryNote = { entry, matched: candidates.length, archived: 0, excluded: [] }
    notes.push(note)
    for (const candidate of candidates) {
      const name = fullName(candidate)
      if (candidate.archived && entry.kind === 'pattern') {
        note.archived += 1
        continue
      }
      const glob = excludedBy(name, excludes)
      if (glob !== undefined) {
        note.excluded.push({ repository: name, glob })
        continue
      }
      const key = name.toLowerCase()
      if (seen.has(key)) continue
      seen.add(key)
      repositories.push({ owner: candidate.owner, repo: candidate.repo })
    }
  }
  return { repositories, notes }
}

function byFullName(a: ListedRepository, b: ListedRepository): number {
  const x = fullName(a).toLowerCase()
  const y = fullName(b).toLowerCase()
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * What a token's prefix says about it: `ghs_` tokens are installation tokens (a GitHub App's, and
 * `GITHUB_TOKEN`); `ghp_`, `github_pat_`, `gho_` and `ghu_` tokens act for a user. Other tokens
 * (older formats, some GitHub Enterprise Server versions) are `unknown`: `GET
 * /installation/repositories` then tells, as it answers only installation tokens.
 */
export function tokenKindOf(token: string): 'installation' | 'user' | 'unknown' {
  if (token.startsWith('ghs_')) return 'installation'
  if (/^(?:ghp|gho|ghu)_|^github_pat_/.test(token)) return 'user'
  return 'unknown'
}

/**
 * Resolves `settings.repositoryEntries` into the repositories to process (see the module's doc
 * for the endpoints), logs the list in one group, warns for every pattern that matched nothing
 * (naming the token's reach) and, before the first listing of runs or secrets, when the sweep's
 * reads (`readsPerRepository` × repositories) exceed the primary rate limit left as the
 * repository listings showed it (see `warnWhenSweepWontFit`).
 * A pattern whose listing fails is recorded in `results` (kind `repository`, id the pattern):
 * `skipped` with the reset time when the rate limit is spent (`mutations.stoppedBy`, which makes
 * it the invocation's stop), `failed` otherwise; the other
 * entries go on. Makes no request when every entry is named.
 * @param readsPerRepository the fewest requests the operation makes per repository (its listings).
 * @returns the settings with `repositories` replaced by the resolved list.
 * @throws only what the log sink throws; API errors are recorded, never thrown.
 */
export async function resolveRepositories<S extends ResolvableSettings>(
  octokit: Octokit,
  settings: S,
  results: Results,
  mutations: Pick<Mutations, 'stoppedBy'>,
  readsPerRepository: number
): Promise<S> {
  const reader = new RepositoryReader(octokit, settings.token)
  const matchesOf = new Map<RepositoryEntry, ListedRepository[]>()
  const unmatched: Array<{ entry: Pattern; reach: Reach }> = []
  for (const entry of settings.repositoryEntries) {
    if (entry.kind !== 'pattern') continue
    try {
      const reach = await reader.reach(entry)
      const matches = reach.repositories.filter(repository => matchesPattern(entry, repository))
      matchesOf.set(entry, matches)
      if (matches.every(repository => repository.archived)) unmatched.push({ entry, reach })
    } catch (error) {
      recordUnresolved(results, mutations, entry, error, settings.operation === 'rotate-secrets')
    }
  }
  const { repositories, notes } = assembleRepositories(
    settings.repositoryEntries,
    matchesOf,
    settings.excludeRepositories
  )
  await log.group(`Repositories: ${repositories.length}`, async () => logList(repositories, notes))
  for (const { entry, reach } of unmatched) {
    const archived = matchesOf.get(entry)?.length ?? 0
    log.warning(
      `repository entry '${entry.text}' matches none of ${reach.description}${archived > 0 ? ` (${archived} archived left out)` : ''}; nothing to do for it. Check the pattern, or the token's access.`
    )
  }
  const resolved = { ...settings, repositories }
  warnWhenSweepWontFit(resolved, readsPerRepository, reader.rateLimit)
  return resolved
}

/**
 * Records a pattern that could not be resolved. A spent rate limit only postpones it (`skipped`
 * with the reset time), except for a rotation, where a repository left on the old value must fail
 * the step.
 */
function recordUnresolved(
  results: Results,
  mutations: Pick<Mutations, 'stoppedBy'>,
  entry: Pattern,
  error: unknown,
  mustFinish: boolean
): void {
  const target = {
    repository: entry.text,
    kind: 'repository' as const,
    id: entry.text,
    action: 'list',
    url: ''
  }
  const stopped = mutations.stoppedBy(error)
  if (stopped !== undefined && !mustFinish) {
    results.skip(target, stopped)
    return
  }
  const reason =
    stopped !== undefined
      ? `not resolved: ${stopped}; run again after that`
      : describeListingError(error)
  log.error(`repository entry '${entry.text}': ${reason}`)
  results.add(target, 'failed', reason)
}

/** A failed repository listing, with what the token needs when it was refused. */
function describeListingError(error: unknown): string {
  if (!isApiError(error)) return error instanceof Error ? error.message : String(error)
  const message = `${error.status || 'network'} ${firstLine(error.message)}`
  if (error.status === 401) return `${message}: the token is invalid or expired`
  if (error.status === 403)
    return `${message}: the token cannot list these repositories (it needs \`metadata: read\` on them)`
  if (error.status >= 500 || error.status === 0)
    return `${message} (GitHub did not answer in time; retries exhausted)`
  return message
}

function logList(repositories: readonly RepositoryRef[], notes: readonly EntryNote[]): void {
  for (const note of notes) {
    if (note.entry.kind === 'named' && note.excluded.length === 0) continue
    const parts = [
      note.entry.kind === 'pattern' && `matched ${note.matched}`,
      note.archived > 0 && `${note.archived} archived left out`,
      note.excluded.length > 0 &&
        `excluded ${note.excluded.map(({ repository, glob }) => `${repository} (${glob})`).join(', ')}`
    ].filter((part): part is string => typeof part === 'string')
    log.info(`${entryText(note.entry)}: ${parts.join('; ')}`)
  }
  for (const repository of repositories) log.info(fullName(repository))
}

/**
 * Warns when the sweep's reads will not fit in the primary rate limit left, as the last
 * repository listing showed it (`x-ratelimit-remaining`, `x-ratelimit-reset`): repositories not
 * reached are then reported skipped, and the warning says so before the first of them is listed.
 * Nothing to compare with when no listing was made (every entry named) or none showed the limit
 * (GitHub Enterprise Server without rate limits). With a state file the warning says that
 * listings answered 304 cost nothing, so the sweep may still fit.
 */
function warnWhenSweepWontFit(
  settings: ResolvableSettings,
  perRepository: number,
  seen: RateLimitSeen | undefined
): void {
  const count = settings.repositories.length
  const reads = perRepository * count
  if (seen === undefined || reads <= seen.remaining) return
  const revalidated =
    settings.stateFile === undefined
      ? ''
      : ' Listings unchanged since the last run are answered 304 from the state file at no cost, so the sweep may still fit.'
  log.warning(
    `This sweep needs at least ${reads} API requests (${count} repositories × ${perRepository}), but the rate limit has ${seen.remaining} left until ${seen.reset.toISOString()}: repositories not reached by then are reported skipped. Narrow \`repository\` (or add \`exclude-repository\`), or run again after the reset.${revalidated}`
  )
}

/**
 * Lists what patterns are matched against, each listing once per invocation, one request at a
 * time, and keeps the last `x-ratelimit-*` headers it saw.
 */
class RepositoryReader {
  /** The rate limit as the last answer showed it. */
  rateLimit: RateLimitSeen | undefined
  private installation: ListedRepository[] | 'not an installation' | undefined
  private login: string | undefined
  private collaborating: ListedRepository[] | undefined
  /** The reach of each owner (lower-cased), and of `*`. */
  private readonly reaches = new Map<string, Reach>()

  constructor(
    private readonly octokit: Octokit,
    private readonly token: string
  ) {}

  /**
   * The repositories `pattern` is matched against, each listing made once per invocation.
   * @throws the API error of a listing (a 404 for an owner that is no organization is not one).
   */
  async reach(pattern: Pattern): Promise<Reach> {
    const installation = await this.installationRepositories()
    if (installation !== undefined) {
      return {
        repositories: installation,
        description: `the ${count(installation.length, 'repository', 'repositories')} this installation token was granted`
      }
    }
    const key = pattern.owner?.toLowerCase() ?? '*'
    let reach = this.reaches.get(key)
    if (reach === undefined) {
      reach =
        pattern.owner === undefined ? await this.everyReach() : await this.ownerReach(pattern.owner)
      this.reaches.set(key, reach)
    }
    return reach
  }

  private async everyReach(): Promise<Reach> {
    const every = await this.collect(this.octokit.rest.repos.listForAuthenticatedUser, {})
    return {
      repositories: every,
      description: `the ${count(every.length, 'repository', 'repositories')} this token can access (its own, and those it collaborates on or reaches as an organization member)`
    }
  }

  private async ownerReach(owner: string): Promise<Reach> {
    let org: ListedRepository[] | undefined
    try {
      org = await this.collect(this.octokit.rest.repos.listForOrg, { org: owner, type: 'all' })
    } catch (error) {
      // Not an organization (a user, or no such account): the user listings tell.
      if (statusOf(error) !== 404) throw error
    }
    if (org !== undefined) {
      return {
        repositories: org,
        description: `the ${count(org.length, 'repository', 'repositories')} of organization ${owner} this token can see`
      }
    }
    if ((await this.ownLogin()).toLowerCase() === owner.toLowerCase()) {
      const own = await this.collect(this.octokit.rest.repos.listForAuthenticatedUser, {
        affiliation: 'owner'
      })
      return {
        repositories: own,
        description: `the ${count(own.length, 'repository', 'repositories')} of the token's own account ${owner}`
      }
    }
    let visible: ListedRepository[]
    try {
      visible = await this.collect(this.octokit.rest.repos.listForUser, {
        username: owner,
        type: 'owner'
      })
    } catch (error) {
      if (statusOf(error) !== 404) throw error
      return {
        repositories: [],
        description: `the repositories of ${owner}: no organization or user of that name is visible to this token`
      }
    }
    // Public listings leave out the private repositories the token collaborates on.
    this.collaborating ??= await this.collect(this.octokit.rest.repos.listForAuthenticatedUser, {
      affiliation: 'collaborator'
    })
    const known = new Set(visible.map(repository => repository.repo.toLowerCase()))
    const shared = this.collaborating.filter(
      repository =>
        repository.owner.toLowerCase() === owner.toLowerCase() &&
        !known.has(repository.repo.toLowerCase())
    )
    const repositories = [...visible, ...shared]
    return {
      repositories,
      description: `the ${count(repositories.length, 'repository', 'repositories')} of user ${owner} this token can see (public ones, and those it collaborates on)`
    }
  }

  /**
   * Every repository of the installation, or undefined for a token that is not an installation
   * token (by its prefix, else because `GET /installation/repositories` refused it with 403/404).
   */
  private async installationRepositories(): Promise<ListedRepository[] | undefined> {
    if (this.installation === undefined) {
      const kind = tokenKindOf(this.token)
      if (kind === 'user') {
        this.installation = 'not an installation'
      } else {
        try {
          this.installation = await this.collect(
            this.octokit.rest.apps.listReposAccessibleToInstallation,
            {}
          )
        } catch (error) {
          const status = statusOf(error)
          if (kind !== 'unknown' || (status !== 403 && status !== 404)) throw error
          this.installation = 'not an installation'
        }
      }
    }
    return this.installation === 'not an installation' ? undefined : this.installation
  }

  /** The login of the token's user (`GET /user`), once. */
  private async ownLogin(): Promise<string> {
    if (this.login === undefined) {
      const response = await this.octokit.rest.users.getAuthenticated()
      this.note(response.headers)
      this.login = response.data.login
    }
    return this.login
  }

  /**
   * Every page of a repository listing, 100 per page, reduced to `ListedRepository`.
   * @throws the API error of any page.
   */
  private async collect(
    endpoint: unknown,
    params: Record<string, string>
  ): Promise<ListedRepository[]> {
    const repositories: ListedRepository[] = []
    try {
      // Each listing answers its own repository shape; only the fields of RepositoryLike are read.
      const iterate = this.octokit.paginate.iterator as unknown as (
        endpoint: unknown,
        params: Record<string, unknown>
      ) => AsyncIterable<{ data: RepositoryLike[]; headers: Headers }>
      const pages = iterate(endpoint, { ...params, per_page: PER_PAGE })
      for await (const page of pages) {
        this.note(page.headers)
        for (const repository of page.data) {
          repositories.push({
            owner: repository.owner.login,
            repo: repository.name,
            archived: repository.archived === true
          })
        }
      }
    } catch (error) {
      if (isApiError(error)) this.note(error.response?.headers ?? {})
      throw error
    }
    return repositories
  }

  private note(headers: Headers): void {
    const remaining = Number(headers['x-ratelimit-remaining'])
    const reset = Number(headers['x-ratelimit-reset'])
    if (headers['x-ratelimit-remaining'] === undefined || !Number.isFinite(remaining)) return
    this.rateLimit = {
      remaining,
      reset: Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : new Date()
    }
  }
}

type Headers = Record<string, string | number | undefined>

/** The fields of a repository object (any of the listings) that resolution reads. */
interface RepositoryLike {
  name: string
  owner: { login: string }
  archived?: boolean
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}
