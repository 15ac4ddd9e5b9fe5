/**
 * Actions cache endpoints: the repository's caches (`key` prefix and exact `ref` filters, `sort` by
 * `created_at`, `last_accessed_at` or `size_in_bytes`, `direction`, Link pagination, `total_count`)
 * and deletion by id.
 */
import { paginate } from '../pagination.js'
import { ApiError, type ApiResponse } from '../responses.js'
import { json, numericParam, type HandlerContext, type Router } from '../router.js'
import { stableId } from '../state.js'

/** An Actions cache entry. */
export interface ScenarioCache {
  id: number
  key: string
  /** The full git ref it was saved from: `refs/heads/main`, `refs/pull/42/merge`. */
  ref: string
  /** Default derived from the key (GitHub hashes the paths and compression). */
  version?: string
  size_in_bytes: number
  /** ISO 8601. */
  created_at: string
  /** ISO 8601; default `created_at`. */
  last_accessed_at?: string
}

declare module '../scenario.js' {
  interface ScenarioRepository {
    /** The repository's Actions caches. */
    caches?: ScenarioCache[]
  }
}

type SortField = 'created_at' | 'last_accessed_at' | 'size_in_bytes'

/** Registers `GET .../actions/caches` and `DELETE .../actions/caches/{cache_id}` on `router`. */
export function registerRoutes(router: Router): void {
  router.register('actions/get-actions-cache-list', listCaches)
  router.register('actions/delete-actions-cache-by-id', ctx => {
    const repo = ctx.repository()
    const id = numericParam(ctx, 'cache_id')
    const caches = repo.caches ?? []
    const index = caches.findIndex(cache => cache.id === id)
    if (index < 0) throw new ApiError(404, 'Not Found')
    caches.splice(index, 1)
    return { status: 204 }
  })
}

function listCaches(ctx: HandlerContext): ApiResponse {
  const repo = ctx.repository()
  const key = ctx.query.get('key')
  const ref = ctx.query.get('ref')
  // The validator already refused values outside the documented enums.
  const sort = (ctx.query.get('sort') ?? 'last_accessed_at') as SortField
  const sign = ctx.query.get('direction') === 'asc' ? 1 : -1
  const valueOf = (cache: ScenarioCache): number =>
    sort === 'size_in_bytes' ? cache.size_in_bytes : Date.parse(valueAt(cache, sort))
  const matching = (repo.caches ?? [])
    .filter(cache => key === null || cache.key.startsWith(key))
    .filter(cache => ref === null || cache.ref === ref)
    .map(cache => ({ cache, value: valueOf(cache) }))
    .sort((a, b) => (a.value - b.value || a.cache.id - b.cache.id) * sign)
    .map(({ cache }) => cache)
  const page = paginate(matching, ctx.url)
  const body = {
    total_count: matching.length,
    actions_caches: page.items.map(cache => ({
      id: cache.id,
      ref: cache.ref,
      key: cache.key,
      version: cache.version ?? stableId(cache.key).toString(16).padStart(64, '0'),
      last_accessed_at: valueAt(cache, 'last_accessed_at'),
      created_at: cache.created_at,
      size_in_bytes: cache.size_in_bytes
    }))
  }
  return json(body, 200, page.link ? { link: page.link } : undefined)
}

function valueAt(cache: ScenarioCache, field: 'created_at' | 'last_accessed_at'): string {
  return field === 'created_at' ? cache.created_at : (cache.last_accessed_at ?? cache.created_at)
}
