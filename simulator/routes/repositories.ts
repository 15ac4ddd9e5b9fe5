/**
 * Repository listings and accounts: what an installation was granted, an organization's and a
 * user's repositories, the authenticated user's, and who an account is. Visibility follows the
 * token: a private repository shows only to a token that can see it (`canSee` in auth.ts).
 *
 * Accounts: a login is a user when the scenario lists it in `users` or a `user` token acts as
 * it; any other owner of a repository (or organization of `organizations`) is an organization.
 */
import { canSee, forbiddenMessage, type Caller } from '../auth.js'
import { paginate } from '../pagination.js'
import { presentListedRepository, presentUser } from '../present.js'
import { errorResponse, notFound, type ApiResponse } from '../responses.js'
import { json, type HandlerContext, type Router } from '../router.js'
import type { RepositoryState, SimState } from '../state.js'
import { findOrganization } from './secrets.js'

declare module '../scenario.js' {
  interface Scenario {
    /** Logins of personal accounts (a `user` token's login is one too); other owners are organizations. */
    users?: string[]
  }
}

declare module '../state.js' {
  interface SimState {
    users?: string[]
  }
}

/** GitHub's answer to `GET /installation/repositories` with a token that is no installation's. */
export const NOT_AN_INSTALLATION =
  'You must authenticate with an installation access token in order to list repositories for an installation.'

/** Whether a token is an installation's: a GitHub App's, or a workflow's `GITHUB_TOKEN`. */
export function isInstallation(caller: Caller): boolean {
  return caller.info.kind !== 'user'
}

/** `User`, `Organization`, or undefined for a login the scenario does not know. */
export function accountType(state: SimState, login: string): 'User' | 'Organization' | undefined {
  const wanted = login.toLowerCase()
  const isUser =
    (state.users ?? []).some(user => user.toLowerCase() === wanted) ||
    Object.values(state.tokens).some(
      token => token.kind === 'user' && token.login.toLowerCase() === wanted
    )
  if (isUser) return 'User'
  if (findOrganization(state, login)) return 'Organization'
  return state.repositories.some(repo => repo.owner.toLowerCase() === wanted)
    ? 'Organization'
    : undefined
}

/** Whether a `user` token was given `repo` (absent `repositories`: every repository). */
function granted(caller: Caller, repo: RepositoryState): boolean {
  const allowed = caller.info.repositories
  const fullName = `${repo.owner}/${repo.name}`.toLowerCase()
  return !allowed || allowed.some(name => name.toLowerCase() === fullName)
}

/**
 * How a user relates to a repository, for `affiliation`: `owner` (its account), else
 * `organization_member` (an organization's repository the token was given), else `collaborator`
 * (another user's repository the token was given); undefined when none.
 */
function affiliationOf(state: SimState, caller: Caller, repo: RepositoryState): string | undefined {
  if (repo.owner.toLowerCase() === caller.info.login.toLowerCase()) return 'owner'
  if (!granted(caller, repo)) return undefined
  return accountType(state, repo.owner) === 'Organization' ? 'organization_member' : 'collaborator'
}

/** Sorts by `sort` (`created`: by id; `full_name`; others as `created`) and `direction`. */
function sorted(
  repos: RepositoryState[],
  query: URLSearchParams,
  defaultSort: string
): RepositoryState[] {
  const sort = query.get('sort') ?? defaultSort
  const byName = sort === 'full_name'
  const direction = query.get('direction') ?? (byName ? 'asc' : 'desc')
  const ordered = [...repos].sort((a, b) =>
    byName
      ? `${a.owner}/${a.name}`.toLowerCase().localeCompare(`${b.owner}/${b.name}`.toLowerCase())
      : a.id - b.id
  )
  return direction === 'desc' ? ordered.reverse() : ordered
}

function listing(ctx: HandlerContext, repos: RepositoryState[]): ApiResponse {
  const page = paginate(repos, ctx.url)
  const body = page.items.map(repo =>
    presentListedRepository(repo, ctx.apiBase, ownerType(ctx, repo))
  )
  return json(body, 200, page.link ? { link: page.link } : undefined)
}

const ownerType = (ctx: HandlerContext, repo: RepositoryState): 'User' | 'Organization' =>
  accountType(ctx.state, repo.owner) ?? 'Organization'

/** Registers the repository listings and `GET /users/{username}` on `router`. */
export function registerRoutes(router: Router): void {
  router.register('apps/list-repos-accessible-to-installation', ctx => {
    const { caller } = ctx
    if (!isInstallation(caller)) return errorResponse(403, NOT_AN_INSTALLATION)
    // An installation with "all repositories" (no `repositories`) was granted every one.
    const repos = ctx.state.repositories
      .filter(repo => granted(caller, repo))
      .sort((a, b) => a.id - b.id)
    const page = paginate(repos, ctx.url)
    return json(
      {
        total_count: repos.length,
        repository_selection: caller.info.repositories ? 'selected' : 'all',
        repositories: page.items.map(repo =>
          presentListedRepository(repo, ctx.apiBase, ownerType(ctx, repo))
        )
      },
      200,
      page.link ? { link: page.link } : undefined
    )
  })

  router.register('repos/list-for-org', ctx => {
    const org = ctx.params['org'] ?? ''
    if (accountType(ctx.state, org) !== 'Organization') return notFound()
    const type = ctx.query.get('type') ?? 'all'
    const repos = ctx.state.repositories.filter(
      repo =>
        repo.owner.toLowerCase() === org.toLowerCase() &&
        canSee(ctx.caller, repo) &&
        (type !== 'public' || !repo.private) &&
        (type !== 'private' || repo.private) &&
        (type !== 'forks' || repo.fork === true) &&
        (type !== 'sources' || repo.fork !== true)
    )
    return listing(ctx, sorted(repos, ctx.query, 'created'))
  })

  // Public repositories only, whoever asks (GitHub's documented behaviour).
  router.register('repos/list-for-user', ctx => {
    const username = ctx.params['username'] ?? ''
    if (accountType(ctx.state, username) !== 'User') return notFound()
    const repos = ctx.state.repositories.filter(
      repo => repo.owner.toLowerCase() === username.toLowerCase() && !repo.private
    )
    return listing(ctx, sorted(repos, ctx.query, 'full_name'))
  })

  router.register('repos/list-for-authenticated-user', ctx => {
    const { caller, state, query } = ctx
    if (isInstallation(caller)) return errorResponse(403, forbiddenMessage(caller))
    const affiliations = (query.get('affiliation') ?? 'owner,collaborator,organization_member')
      .split(',')
      .map(value => value.trim())
    const visibility = query.get('visibility') ?? 'all'
    const repos = state.repositories.filter(repo => {
      const affiliation = affiliationOf(state, caller, repo)
      return (
        affiliation !== undefined &&
        affiliations.includes(affiliation) &&
        canSee(caller, repo) &&
        (visibility !== 'public' || !repo.private) &&
        (visibility !== 'private' || repo.private)
      )
    })
    return listing(ctx, sorted(repos, query, 'full_name'))
  })

  router.register('users/get-by-username', ctx => {
    const login = ctx.params['username'] ?? ''
    const type = accountType(ctx.state, login)
    if (type === undefined) return notFound()
    return json({ ...presentUser(login, ctx.apiBase), type })
  })
}
