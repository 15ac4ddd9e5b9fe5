/** The settings of delete-caches, as its settings reader (inputs.ts) builds them. */
import type { CleanUpSettings } from '../../settings.js'

export interface DeleteCachesSettings extends CleanUpSettings {
  operation: 'delete-caches'
  /** Globs on the cache key; empty = every key. */
  cacheKeys: string[]
  /** Globs on the cache's full git ref (`refs/heads/main`, `refs/pull/7/merge`); empty = every ref. */
  cacheRefs: string[]
  /** Only caches of pull requests that are closed or merged; caches of branches never. */
  closedPullRequests: boolean
}
