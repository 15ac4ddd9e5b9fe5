/**
 * Which Actions caches delete-caches deletes, and how the cache listing narrows on the server.
 * Pure: no API, no clock of its own.
 */
import {
  formatBytes,
  isBefore,
  isLiteralGlob,
  literalPrefix,
  roughAge
} from '../../rules/retention.js'
import { matchesAny } from '../../rules/matching.js'

/** The fields of a cache the rule reads, as the REST API returns them. */
export interface RetentionCache {
  id?: number
  key?: string
  ref?: string
  size_in_bytes?: number
  last_accessed_at?: string
  created_at?: string
}

export interface CacheRules {
  /** Only caches last accessed before this instant (epoch ms); undefined = any age. */
  cutoffMs: number | undefined
  /** Globs on the key; empty = every key. */
  keys: readonly string[]
  /** Globs on the full git ref; empty = every ref. */
  refs: readonly string[]
  /** Only caches of pull requests (`refs/pull/N/merge` or `/head`); whether closed is checked later. */
  pullRequestsOnly: boolean
  now: Date
}

export interface CacheCandidate<C extends RetentionCache> {
  cache: C
  /** The pull request of a `refs/pull/N/…` ref. */
  pullNumber?: number
  /** Why it is deleted, e.g. `last accessed 12d ago, 310.5 MiB`. */
  reason: string
}

/** One listing request series: the server-side `key` prefix and `ref`, each when it narrows. */
export interface CacheListing {
  key?: string
  ref?: string
}

const PULL_REF = /^refs\/pull\/([1-9]\d*)\/(?:merge|head)$/

/** The pull request number of `refs/pull/N/merge` or `refs/pull/N/head`; undefined for other refs. */
export function pullNumberOfRef(ref: string): number | undefined {
  const match = PULL_REF.exec(ref)
  return match?.[1] === undefined ? undefined : Number(match[1])
}

/**
 * The listings that find every cache the globs can match, narrowed on the server: one per `key`
 * prefix (when every key glob starts with a literal; a prefix that extends another is covered by
 * it) × one per `ref` (when every ref glob is a literal ref). A glob with nothing literal in
 * front, or none given, leaves that filter out.
 */
export function cacheListings(keys: readonly string[], refs: readonly string[]): CacheListing[] {
  const prefixes = keys.map(literalPrefix)
  const keyFilters: Array<string | undefined> =
    prefixes.length === 0 || prefixes.includes('')
      ? [undefined]
      : [...new Set(prefixes)].filter(
          (prefix, _, all) => !all.some(other => other !== prefix && prefix.startsWith(other))
        )
  const refFilters: Array<string | undefined> =
    refs.length === 0 || !refs.every(isLiteralGlob) ? [undefined] : [...new Set(refs)]
  return keyFilters.flatMap(key =>
    refFilters.map(ref => ({
      ...(key !== undefined && { key }),
      ...(ref !== undefined && { ref })
    }))
  )
}

/** When a cache was last used: `last_accessed_at`, else `created_at`. */
export function lastAccessOf(cache: RetentionCache): string | undefined {
  return cache.last_accessed_at ?? cache.created_at
}

/**
 * The caches that pass the key, ref and age conditions (and with `pullRequestsOnly`, belong to a
 * pull request), least recently accessed first: the order they are deleted in. Each cache once,
 * even when several listings returned it.
 */
export function selectCaches<C extends RetentionCache>(
  caches: readonly C[],
  rules: CacheRules
): CacheCandidate<C>[] {
  const unique = new Map<number, C>()
  for (const cache of caches) if (cache.id !== undefined) unique.set(cache.id, cache)
  const candidates: CacheCandidate<C>[] = []
  for (const cache of unique.values()) {
    const key = cache.key ?? ''
    const ref = cache.ref ?? ''
    if (rules.keys.length > 0 && !matchesAny(key, rules.keys)) continue
    if (rules.refs.length > 0 && !matchesAny(ref, rules.refs)) continue
    const accessed = lastAccessOf(cache)
    if (!isBefore(accessed, rules.cutoffMs)) continue
    const pullNumber = pullNumberOfRef(ref)
    if (rules.pullRequestsOnly && pullNumber === undefined) continue
    const age = accessed
      ? `last accessed ${roughAge(rules.now.getTime() - Date.parse(accessed))} ago`
      : ''
    candidates.push({
      cache,
      ...(pullNumber !== undefined && { pullNumber }),
      reason: [age, formatBytes(cache.size_in_bytes ?? 0)].filter(Boolean).join(', ')
    })
  }
  return candidates.sort(
    (a, b) =>
      Date.parse(lastAccessOf(a.cache) ?? '') - Date.parse(lastAccessOf(b.cache) ?? '') ||
      (a.cache.id ?? 0) - (b.cache.id ?? 0)
  )
}
