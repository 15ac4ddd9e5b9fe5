/**
 * Pull-request endpoints: the listing (with the `state`, `head` and `base` filters), a single pull
 * request, and its changed files (paginated, at most 3,000 like GitHub, renamed files with their
 * `previous_filename`).
 */
import { paginate } from '../pagination.js'
import { presentRepository, presentUser } from '../present.js'
import { ApiError, errorResponse, type ApiResponse } from '../responses.js'
import { json, numericParam, type HandlerContext, type Router } from '../router.js'
import { stableId, type RepositoryState } from '../state.js'

/** A changed file of a pull request, as the scenario gives it. */
export interface ScenarioPullFile {
  filename: string
  /** Default `modified`. */
  status?: 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed' | 'unchanged'
  /** The path before a rename or copy. */
  previous_filename?: string
  /** Default 1. */
  additions?: number
  /** Default 0. */
  deletions?: number
}

/** A pull request into the repository. */
export interface ScenarioPull {
  number: number
  /** Default `open`. */
  state?: 'open' | 'closed'
  /** A closed pull request that was merged (`merged_at` is then its `updated_at`). */
  merged?: boolean
  /** Default `Update <head ref>`. */
  title?: string
  /** Login of the author. */
  user: string
  head: {
    ref: string
    /** The commit the head points at now (40 hex digits). */
    sha: string
    /** `owner/name` of the head repository (a fork has another owner); null when it was deleted. */
    repo: string | null
  }
  /** Default: the repository's default branch. */
  base?: { ref?: string; sha?: string }
  draft?: boolean
  /** ISO 8601; default `2026-11-20T10:00:00Z`. */
  created_at?: string
  /** ISO 8601; default `created_at`. */
  updated_at?: string
  /** The changed files, in the order GitHub lists them. */
  files?: ScenarioPullFile[]
  /**
   * GitHub's `changed_files` count when it is not the number of `files`: a listing that comes back
   * short of the pull request's changes. Default `files.length`.
   */
  changed_files?: number
}

declare module '../scenario.js' {
  interface ScenarioRepository {
    /** Pull requests into this repository. */
    pulls?: ScenarioPull[]
  }
}

/** GitHub lists at most this many files of a pull request. */
export const MAX_LISTED_FILES = 3000

const WEB = 'https://github.com'
const DEFAULT_CREATED = '2026-11-20T10:00:00Z'

/** Registers `pulls/list`, `pulls/get` and `pulls/list-files` on `router`. */
export function registerRoutes(router: Router): void {
  router.register('pulls/list', listPulls)
  router.register('pulls/get', ctx => {
    const repo = ctx.repository()
    const pull = findPull(repo, numericParam(ctx, 'pull_number'))
    return json(presentPull(repo, pull, ctx.apiBase, { full: true }))
  })
  router.register('pulls/list-files', ctx => {
    const repo = ctx.repository()
    const pull = findPull(repo, numericParam(ctx, 'pull_number'))
    const page = paginate(pull.files ?? [], ctx.url, { cap: MAX_LISTED_FILES })
    const body = page.items.map(file => presentFile(repo, pull, file, ctx.apiBase))
    return json(body, 200, page.link ? { link: page.link } : undefined)
  })
}

/** Finds a pull request by number. @throws ApiError 404 when there is none. */
export function findPull(repo: RepositoryState, number: number): ScenarioPull {
  const pull = repo.pulls?.find(p => p.number === number)
  if (!pull) throw new ApiError(404, 'Not Found')
  return pull
}

function listPulls(ctx: HandlerContext): ApiResponse {
  const repo = ctx.repository()
  const state = ctx.query.get('state') ?? 'open'
  const head = ctx.query.get('head')
  const base = ctx.query.get('base')
  // GitHub reads `head` as `user:ref-name` (or `organization:ref-name`).
  let headOwner: string | undefined
  let headRef: string | undefined
  if (head !== null) {
    const colon = head.indexOf(':')
    if (colon <= 0) {
      const error = `head: use the format user:ref-name, got '${head}'`
      ctx.violation('Validation Failed', [error])
      return errorResponse(422, 'Validation Failed', undefined, { errors: [error] })
    }
    headOwner = head.slice(0, colon).toLowerCase()
    headRef = head.slice(colon + 1)
  }
  const sort = ctx.query.get('sort') ?? 'created'
  const direction = ctx.query.get('direction') ?? (sort === 'long-running' ? 'asc' : 'desc')
  const key = (pull: ScenarioPull): number =>
    Date.parse(sort === 'updated' ? (pull.updated_at ?? createdAt(pull)) : createdAt(pull))
  const matching = (repo.pulls ?? [])
    .filter(pull => state === 'all' || (pull.state ?? 'open') === state)
    .filter(
      pull =>
        headOwner === undefined ||
        (pull.head.repo?.split('/')[0]?.toLowerCase() === headOwner && pull.head.ref === headRef)
    )
    .filter(pull => base === null || baseRef(repo, pull) === base)
    .sort((a, b) => (key(a) - key(b) || a.number - b.number) * (direction === 'asc' ? 1 : -1))
  const page = paginate(matching, ctx.url)
  const body = page.items.map(pull => presentPull(repo, pull, ctx.apiBase, { full: false }))
  return json(body, 200, page.link ? { link: page.link } : undefined)
}

function createdAt(pull: ScenarioPull): string {
  return pull.created_at ?? DEFAULT_CREATED
}

function baseRef(repo: RepositoryState, pull: ScenarioPull): string {
  return pull.base?.ref ?? repo.default_branch
}

/**
 * A pull request in GitHub's shape: the listing's (`full: false`) or `GET .../pulls/{n}`'s, which
 * adds counts such as `changed_files`.
 */
function presentPull(
  repo: RepositoryState,
  pull: ScenarioPull,
  apiBase: string,
  options: { full: boolean }
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`
  const url = `${apiBase}/repos/${full}/pulls/${pull.number}`
  const state = pull.state ?? 'open'
  const created = createdAt(pull)
  const updated = pull.updated_at ?? created
  const headRepo = pull.head.repo
  const headOwner = headRepo?.split('/')[0] ?? pull.user
  const baseRepository = presentRepository(full, repo.id, apiBase, {
    private: repo.private,
    fork: false,
    default_branch: repo.default_branch
  })
  const headRepository =
    headRepo === null
      ? null
      : headRepo.toLowerCase() === full.toLowerCase()
        ? baseRepository
        : presentRepository(headRepo, stableId(headRepo), apiBase, { private: false, fork: true })
  const files = pull.files ?? []
  return {
    url,
    id: 200_000_000 + repo.id * 1000 + pull.number,
    node_id: `PR_${Buffer.from(`${full}#${pull.number}`).toString('base64url')}`,
    html_url: `${WEB}/${full}/pull/${pull.number}`,
    diff_url: `${WEB}/${full}/pull/${pull.number}.diff`,
    patch_url: `${WEB}/${full}/pull/${pull.number}.patch`,
    issue_url: `${apiBase}/repos/${full}/issues/${pull.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    comments_url: `${apiBase}/repos/${full}/issues/${pull.number}/comments`,
    statuses_url: `${apiBase}/repos/${full}/statuses/${pull.head.sha}`,
    number: pull.number,
    state,
    locked: false,
    title: pull.title ?? `Update ${pull.head.ref}`,
    user: presentUser(pull.user, apiBase),
    body: null,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: created,
    updated_at: updated,
    closed_at: state === 'closed' ? updated : null,
    merged_at: state === 'closed' && pull.merged === true ? updated : null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: {
      label: `${headOwner}:${pull.head.ref}`,
      ref: pull.head.ref,
      sha: pull.head.sha,
      user: presentUser(headOwner, apiBase),
      repo: headRepository
    },
    base: {
      label: `${repo.owner}:${baseRef(repo, pull)}`,
      ref: baseRef(repo, pull),
      sha: pull.base?.sha ?? '0'.repeat(40),
      user: presentUser(repo.owner, apiBase),
      repo: baseRepository
    },
    _links: {},
    author_association: headRepo?.toLowerCase() === full.toLowerCase() ? 'MEMBER' : 'CONTRIBUTOR',
    auto_merge: null,
    draft: pull.draft ?? false,
    ...(options.full && {
      merged: state === 'closed' && pull.merged === true,
      mergeable: null,
      rebaseable: null,
      mergeable_state: 'unknown',
      merged_by: null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      additions: files.reduce((sum, file) => sum + (file.additions ?? 1), 0),
      deletions: files.reduce((sum, file) => sum + (file.deletions ?? 0), 0),
      changed_files: pull.changed_files ?? files.length
    })
  }
}

function presentFile(
  repo: RepositoryState,
  pull: ScenarioPull,
  file: ScenarioPullFile,
  apiBase: string
): Record<string, unknown> {
  const full = `${repo.owner}/${repo.name}`
  const additions = file.additions ?? 1
  const deletions = file.deletions ?? 0
  const path = encodeURI(file.filename)
  return {
    sha: stableId(`${pull.head.sha}:${file.filename}`).toString(16).padStart(40, '0'),
    filename: file.filename,
    status: file.status ?? 'modified',
    additions,
    deletions,
    changes: additions + deletions,
    blob_url: `${WEB}/${full}/blob/${pull.head.sha}/${path}`,
    raw_url: `${WEB}/${full}/raw/${pull.head.sha}/${path}`,
    contents_url: `${apiBase}/repos/${full}/contents/${path}?ref=${pull.head.sha}`,
    patch: `@@ -0,0 +1,${additions} @@`,
    ...(file.previous_filename !== undefined && { previous_filename: file.previous_filename })
  }
}
