/**
 * delete-caches: delete Actions caches last accessed before now − `older-than` whose key and ref
 * match the globs; with `closed-pull-requests`, only caches of pull requests that are closed or
 * merged. Caches are deleted by id: a delete by key would reach the same key on other refs.
 * Reports the bytes freed.
 */
import { log } from '../../log.js'
import { describeApiError, statusOf } from '../../boundary/api-errors.js'
import { SEND_ONCE, type Octokit } from '../../boundary/client.js'
import { alreadyDeleted, bytesFreed } from '../clean-up.js'
import { PER_PAGE } from '../../github-limits.js'
import type { PlannedWrite } from '../../boundary/mutations.js'
import type { Target } from '../../boundary/outcomes.js'
import {
  cacheListings,
  lastAccessOf,
  selectCaches,
  type CacheCandidate,
  type CacheListing
} from './rules.js'
import { cutoffOf, formatBytes } from '../../rules/retention.js'
import type { RepositoryRef } from '../../settings.js'
import { forEachRepository, fullName, type Handler, type HandlerContext } from '../context.js'

type Context = HandlerContext<'delete-caches'>
type Cache = Awaited<
  ReturnType<Octokit['rest']['actions']['getActionsCacheList']>
>['data']['actions_caches'][number]

/** What a pull request's read decided for its caches. */
type PullVerdict =
  | { closed: true; reason: string }
  | { closed: false }
  | { closed?: undefined; outcome: 'skipped' | 'failed'; reason: string }

/**
 * Lists each repository's caches least recently accessed first (`GET
 * /repos/{owner}/{repo}/actions/caches?sort=last_accessed_at&direction=asc`, with the server's
 * `key` prefix and `ref` where the globs allow, stopping at the first cache accessed after the
 * cut-off), picks those that match (`selectCaches`), with `closed-pull-requests` reads each of
 * their pull requests once (`GET /repos/{owner}/{repo}/pulls/{pull_number}`, only while the
 * `limit` can still reach its caches), and deletes them with `DELETE
 * /repos/{owner}/{repo}/actions/caches/{cache_id}` (sent once; after a lost answer the listing of
 * its key and ref shows whether it took effect). Sets `bytes-freed`.
 */
export const deleteCaches: Handler<'delete-caches'> = async context => {
  const { settings } = context
  const now = context.now()
  const cutoffMs = cutoffOf(now, settings.olderThanSeconds)
  let freed = 0
  await forEachRepository(context, async repository => {
    const listed = await listCaches(
      context.octokit,
      repository,
      cacheListings(settings.cacheKeys, settings.cacheRefs),
      cutoffMs
    )
    const candidates = selectCaches(listed, {
      cutoffMs,
      keys: settings.cacheKeys,
      refs: settings.cacheRefs,
      pullRequestsOnly: settings.closedPullRequests,
      now
    })
    const { writes, unread } = settings.closedPullRequests
      ? await closedPullRequestWrites(context, repository, candidates)
      : {
          writes: candidates.map(candidate =>
            deleteWrite(context, repository, candidate, candidate.reason)
          ),
          unread: []
        }
    const sizes = new Map(candidates.map(({ cache }) => [cache.id, cache.size_in_bytes]))
    log.info(
      `${fullName(repository)}: ${listed.length} caches listed, ${candidates.length} match${settings.closedPullRequests ? ` (${writes.length} of closed pull requests or past the limit)` : ''}`
    )
    const results = await context.mutations.apply(writes, 'deleted')
    // Their pull requests were not read: the deletes above spent the `limit`, or the rate limit ran out.
    for (const target of unread) context.mutations.skipStopped(target)
    const repositoryFreed = bytesFreed(results, result => sizes.get(Number(result.id)))
    if (repositoryFreed > 0) {
      log.info(`${fullName(repository)}: ${formatBytes(repositoryFreed)} freed`)
    }
    freed += repositoryFreed
  })
  context.extraOutputs['bytes-freed'] = String(freed)
}

/**
 * The caches of every listing, least recently accessed first within each. A listing stops at
 * the first page that reaches a cache accessed at or after `cutoffMs`: every later one is newer.
 * @throws the API error of any page.
 */
async function listCaches(
  octokit: Octokit,
  repository: RepositoryRef,
  listings: readonly CacheListing[],
  cutoffMs: number | undefined
): Promise<Cache[]> {
  const caches: Cache[] = []
  for (const listing of listings) {
    const pages = octokit.paginate.iterator(octokit.rest.actions.getActionsCacheList, {
      ...repository,
      ...listing,
      sort: 'last_accessed_at',
      direction: 'asc',
      per_page: PER_PAGE
    })
    for await (const page of pages) {
      const listed = page.data as unknown as Cache[]
      caches.push(...listed)
      const newest = listed.at(-1)
      if (cutoffMs !== undefined && newest && Date.parse(lastAccessOf(newest) ?? '') >= cutoffMs) {
        break
      }
    }
  }
  return caches
}

/**
 * The writes for caches of pull requests: each pull request read once, and only while the
 * `limit` can still reach its caches and the rate limit lasts (the caches past that are returned
 * unread, to be skipped once the writes have spent the budget). Caches of open pull requests are
 * no targets; one whose pull request cannot be read is not deleted (failed, or skipped when it is
 * gone).
 */
async function closedPullRequestWrites(
  context: Context,
  repository: RepositoryRef,
  candidates: CacheCandidate<Cache>[]
): Promise<{ writes: PlannedWrite[]; unread: Target[] }> {
  const verdicts = new Map<number, PullVerdict>()
  const writes: PlannedWrite[] = []
  const unread: Target[] = []
  for (const candidate of candidates) {
    const pullNumber = candidate.pullNumber ?? 0
    const target = cacheTarget(context, repository, candidate.cache)
    let verdict = verdicts.get(pullNumber)
    if (verdict === undefined) {
      // Past the `limit` a read decides nothing: the cache would be skipped either way.
      if (writes.length >= context.mutations.budgetLeft || !context.mutations.canRead()) {
        unread.push(target)
        continue
      }
      verdict = await readPullRequest(context, repository, pullNumber)
      verdicts.set(pullNumber, verdict)
    }
    if (verdict.closed === true) {
      writes.push(
        deleteWrite(context, repository, candidate, `${candidate.reason}, ${verdict.reason}`)
      )
    } else if (verdict.closed === undefined) {
      context.results.add(target, verdict.outcome, verdict.reason)
    }
  }
  return { writes, unread }
}

/**
 * Whether pull request `pullNumber` is closed or merged (`GET
 * /repos/{owner}/{repo}/pulls/{pull_number}`). Never throws: an error becomes the verdict of its
 * caches (a read refused for the spent primary rate limit stops the invocation's reads).
 */
async function readPullRequest(
  context: Context,
  repository: RepositoryRef,
  pullNumber: number
): Promise<PullVerdict> {
  try {
    const { data } = await context.octokit.rest.pulls.get({
      ...repository,
      pull_number: pullNumber
    })
    if (data.state !== 'closed') return { closed: false }
    return {
      closed: true,
      reason: `pull request #${pullNumber} ${data.merged_at ? 'merged' : 'closed'}`
    }
  } catch (error) {
    const stopped = context.mutations.stoppedBy(error)
    if (stopped !== undefined) return { outcome: 'skipped', reason: stopped }
    if (statusOf(error) === 404) {
      return { outcome: 'skipped', reason: `pull request #${pullNumber} not found` }
    }
    return {
      outcome: 'failed',
      reason: `pull request #${pullNumber} could not be read: ${describeApiError(error, context.settings.operation)}`
    }
  }
}

function deleteWrite(
  context: Context,
  repository: RepositoryRef,
  { cache }: CacheCandidate<Cache>,
  reason: string
): PlannedWrite {
  const { octokit } = context
  return {
    target: cacheTarget(context, repository, cache),
    reason,
    send: async () => {
      await octokit.rest.actions.deleteActionsCacheById({
        ...repository,
        cache_id: cache.id ?? 0,
        ...SEND_ONCE
      })
      return ''
    },
    // No read of one cache exists: the listing of its exact key and ref shows whether it is gone.
    landed: async () => {
      const { data } = await octokit.rest.actions.getActionsCacheList({
        ...repository,
        ...(cache.key !== undefined && { key: cache.key }),
        ...(cache.ref !== undefined && { ref: cache.ref }),
        per_page: PER_PAGE
      })
      return !data.actions_caches.some(listed => listed.id === cache.id)
    },
    onError: alreadyDeleted
  }
}

/** The cache, linked to the repository's cache page. */
function cacheTarget(context: Context, repository: RepositoryRef, cache: Cache): Target {
  return {
    repository: fullName(repository),
    kind: 'cache',
    id: cache.id ?? 0,
    action: 'delete',
    url: `${context.settings.runner.serverUrl}/${fullName(repository)}/actions/caches`
  }
}
