/**
 * GitHub's page-number pagination: `per_page` (default 30, at most 100), `page` (default 1), and
 * the `Link` header with `prev`, `next`, `last`, `first`.
 */

export const DEFAULT_PER_PAGE = 30
export const MAX_PER_PAGE = 100

export interface PageRequest {
  /** 1-based page number. */
  page: number
  perPage: number
}

export interface Page<T> {
  items: T[]
  /** The `Link` header value, undefined when everything fits on one page. */
  link?: string
}

/**
 * Reads `page` and `per_page` like GitHub: missing, zero or unparsable values fall back to the
 * defaults, `per_page` above 100 is clamped to 100. Never throws.
 */
export function readPageRequest(query: URLSearchParams): PageRequest {
  const positive = (raw: string | null, fallback: number): number => {
    const n = raw === null ? NaN : Number.parseInt(raw, 10)
    return Number.isFinite(n) && n >= 1 ? n : fallback
  }
  return {
    page: positive(query.get('page'), 1),
    perPage: Math.min(MAX_PER_PAGE, positive(query.get('per_page'), DEFAULT_PER_PAGE))
  }
}

/**
 * Cuts one page out of `items` and builds its `Link` header.
 *
 * `requestUrl` is the absolute URL the client asked for (with any `/api/v3` prefix and its query):
 * link URLs keep every query parameter and change only `page`. `cap` limits how many items can be
 * paged through at all (GitHub's 1,000-result cap on filtered run listings); pages past it are
 * empty and `last` points at the last page within it.
 */
export function paginate<T>(
  items: readonly T[],
  requestUrl: URL,
  options: { cap?: number } = {}
): Page<T> {
  const { page, perPage } = readPageRequest(requestUrl.searchParams)
  const reachable = Math.min(items.length, options.cap ?? Infinity)
  const start = (page - 1) * perPage
  const pageItems = items.slice(Math.min(start, reachable), Math.min(start + perPage, reachable))
  const lastPage = Math.max(1, Math.ceil(reachable / perPage))

  const rels: [string, number][] = []
  if (page > 1) rels.push(['prev', page - 1])
  if (page < lastPage) rels.push(['next', page + 1], ['last', lastPage])
  if (page > 1) rels.push(['first', 1])
  if (rels.length === 0) return { items: pageItems }

  const link = rels
    .map(([rel, n]) => {
      const url = new URL(requestUrl)
      url.searchParams.set('page', String(n))
      return `<${url.toString()}>; rel="${rel}"`
    })
    .join(', ')
  return { items: pageItems, link }
}
