/**
 * Conditional requests for the listings a later run repeats. For a GET of a listing whose shape it
 * knows (`ListingShape`), the client's request hook sends `If-None-Match` with the validator
 * (`ETag`) a previous answer of the same URL carried; GitHub answers `304 Not Modified` without a
 * body when nothing changed, and such an answer costs no primary rate-limit point. The page is
 * then rebuilt from what was kept of it: only the fields the decisions read (see
 * `readers/listing-shapes.ts`), compacted. A `200` is reduced to the same fields before anyone
 * reads it, so a step sees the same objects whichever way the page came. What was kept from
 * earlier runs comes from the state file (`state-file.ts`); what this run read goes back into it.
 */
import { statusOf } from './api-errors.js'

/** A JSON value, as the state file holds it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** How one field of a listed object is kept: read off the object, and put back on a rebuilt one. */
export interface FieldCodec {
  /** The field's value as kept (JSON). */
  read(item: Record<string, unknown>): Json
  /** Sets the field on a rebuilt object from the kept value. */
  write(item: Record<string, unknown>, value: Json): void
  /** The value is the listed object's URL ending in its id: kept once per page as a prefix. */
  endsWithId?: boolean
}

/** A listing whose pages may be answered from what was kept of them. */
export interface ListingShape {
  /** What it lists, e.g. `workflow runs` (for messages and the documentation). */
  name: string
  /** The API paths of its listings, relative to the API's base URL, without the query. */
  path: RegExp
  /** The answer's key that holds the listed objects (`workflow_runs`); unset when the answer is an array. */
  itemsKey?: string
  /** Every field a decision reads, by name. */
  fields: Readonly<Record<string, FieldCodec>>
}

/**
 * One listing page as kept: its validator and the fields of its objects, compacted (fields with
 * the same value in every object once in `same`, URLs that end in the object's id once in
 * `prefix`, the rest as one row per object in the order of `fields`).
 */
export interface StoredPage {
  /** The `ETag` GitHub sent with the page, as sent (`W/"…"` or `"…"`). */
  etag: string
  /** The page's `Link` header (the listing's other pages), when it had one. */
  link?: string
  /** The answer's `total_count`, for listings that have one. */
  total_count?: number
  same?: Record<string, Json>
  prefix?: Record<string, string>
  fields: string[]
  rows: Json[][]
}

/** Fields of a request's options that the hook reads and sets. */
interface RequestOptions {
  method: string
  url: string
  headers?: Record<string, unknown>
}

/** The answer the hook hands on: Octokit's response shape. */
interface Answer {
  status: number
  url: string
  headers: Record<string, unknown>
  data: unknown
}

/** The Octokit a hook is installed on: how it turns request options into a URL. */
interface ParsingOctokit {
  request: { endpoint: { parse: (options: never) => { url: string } } }
}

/** The Octokits whose GETs of known listings go out conditional (see {@link sendsConditionalRequests}). */
const conditionalClients = new WeakSet<object>()

/**
 * Whether `octokit` revalidates repeated listings (a state file is in use). A reader then prefers
 * a request whose URL stays the same from one run to the next (say, a first page without a
 * `created` filter that moves with the clock), since only a repeated URL can be answered 304.
 */
export function sendsConditionalRequests(octokit: object): boolean {
  return conditionalClients.has(octokit)
}

/** What the conditional requests of one invocation did, for its log and report. */
export interface ConditionalTally {
  /** GETs sent with `If-None-Match`. */
  sent: number
  /** Of those, the ones answered `304 Not Modified` (no primary rate-limit point spent). */
  notModified: number
}

/**
 * The pages of one invocation: those kept from earlier runs, and those read in this one.
 */
export class ConditionalRequests {
  readonly tally: ConditionalTally = { sent: 0, notModified: 0 }
  /** The pages this run read (answered 200 or 304), by key: what the state file keeps next. */
  private readonly read = new Map<string, StoredPage>()
  private readonly base: URL

  /**
   * @param previous pages kept from earlier runs, by key (see {@link listingKey}).
   * @param shapes the listings that may be answered from kept pages.
   * @param apiUrl the API's base URL, e.g. `https://api.github.com` or `https://HOST/api/v3`.
   */
  constructor(
    private readonly previous: ReadonlyMap<string, StoredPage>,
    private readonly shapes: readonly ListingShape[],
    apiUrl: string
  ) {
    this.base = new URL(apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`)
  }

  /** The pages this run read, by key, in the order first read. */
  pages(): ReadonlyMap<string, StoredPage> {
    return this.read
  }

  /**
   * A listing's key: its path relative to the API's base URL and its query, parameters sorted
   * (`/repos/acme/web/actions/runs?per_page=100`); the whole URL when it lies elsewhere.
   */
  listingKey(url: URL): string {
    const query = [...url.searchParams].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    const search = query.length === 0 ? '' : `?${new URLSearchParams(query).toString()}`
    const basePath = this.base.pathname.replace(/\/$/, '')
    if (url.origin === this.base.origin && url.pathname.startsWith(`${basePath}/`)) {
      return `${url.pathname.slice(basePath.length)}${search}`
    }
    return `${url.origin}${url.pathname}${search}`
  }

  /**
   * The Octokit plugin that installs the hook; `onNotModified` is told of every 304. Registered
   * right after the client's counting hook (`attemptHook`, which counts and times every attempt
   * and reports the 304's rate-limit headers), so it sits outside that one and inside the retry
   * and throttling plugins, which never see a 304 as an error.
   */
  plugin(
    onNotModified: () => void = () => undefined
  ): (octokit: { hook: { wrap: (name: 'request', hook: never) => void } }) => object {
    return octokit => {
      conditionalClients.add(octokit)
      const hook = this.hook(octokit as unknown as ParsingOctokit, onNotModified)
      octokit.hook.wrap('request', hook as never)
      return {}
    }
  }

  /**
   * The request hook. A GET of a known listing goes out with `If-None-Match` when a page of the
   * same URL was kept (unless that page cannot show that the listing grew: see
   * {@link mayRevalidate}); a 304 is answered with the kept page rebuilt, and a 200 is kept and
   * handed on reduced to the kept fields. Every other request passes untouched.
   */
  private hook(
    octokit: ParsingOctokit,
    onNotModified: () => void
  ): (
    request: (options: RequestOptions) => Promise<Answer>,
    options: RequestOptions
  ) => Promise<Answer> {
    return async (request, options) => {
      if (options.method !== 'GET') return request(options)
      const url = new URL(octokit.request.endpoint.parse(options as never).url)
      const key = this.listingKey(url)
      const shape = this.shapeOf(key)
      if (shape === undefined) return request(options)
      const kept = this.read.get(key) ?? this.previous.get(key)
      const conditional = kept !== undefined && mayRevalidate(kept, url)
      if (conditional) {
        options.headers = { ...options.headers, 'if-none-match': kept.etag }
        this.tally.sent += 1
      }
      let answer: Answer
      try {
        answer = await request(options)
      } catch (error) {
        const response = (error as { response?: Partial<Answer> }).response
        if (!conditional || statusOf(error) !== 304 || response === undefined) throw error
        this.tally.notModified += 1
        onNotModified()
        this.read.set(key, kept)
        const headers = { ...response.headers }
        if (headers.link === undefined && kept.link !== undefined) headers.link = kept.link
        return { status: 304, url: response.url ?? url.href, headers, data: rebuild(shape, kept) }
      }
      const etag = answer.headers.etag
      const page =
        typeof etag === 'string' && etag !== ''
          ? keep(shape, answer.data, etag, answer.headers.link)
          : undefined
      if (page === undefined) {
        this.read.delete(key)
        return answer
      }
      this.read.set(key, page)
      return { ...answer, data: rebuild(shape, page) }
    }
  }

  private shapeOf(key: string): ListingShape | undefined {
    const path = key.split('?')[0] ?? ''
    return this.shapes.find(shape => shape.path.test(path))
  }
}

/** `per_page` when a request does not say (GitHub's default). */
const DEFAULT_PER_PAGE = 30

/**
 * Whether a kept page can be revalidated. A listing without `total_count` (an array) that grew
 * past a full last page gains a page while the one kept stays the same, validator included: a full
 * page without a next page is asked for in full.
 */
function mayRevalidate(page: StoredPage, url: URL): boolean {
  if (page.total_count !== undefined) return true
  const perPage = Number(url.searchParams.get('per_page') ?? DEFAULT_PER_PAGE)
  return page.rows.length < perPage || /rel="next"/.test(page.link ?? '')
}

/**
 * What is kept of an answer: the fields `shape` names of each listed object, compacted.
 * @returns undefined when the answer does not have the listing's shape (nothing is kept then).
 */
export function keep(
  shape: ListingShape,
  data: unknown,
  etag: string,
  link: unknown
): StoredPage | undefined {
  const items = itemsOf(shape, data)
  if (items === undefined) return undefined
  const names = Object.keys(shape.fields)
  const values = items.map(item => names.map(name => shape.fields[name]?.read(item) ?? null))
  const same: Record<string, Json> = {}
  const prefix: Record<string, string> = {}
  const fields: string[] = []
  names.forEach((name, index) => {
    const column = values.map(row => row[index] ?? null)
    if (items.length >= 2 && column.every(value => sameJson(value, column[0] ?? null))) {
      same[name] = column[0] ?? null
      return
    }
    const common = shape.fields[name]?.endsWithId === true ? idPrefix(items, column) : undefined
    if (common !== undefined) {
      prefix[name] = common
      return
    }
    fields.push(name)
  })
  const rows = values.map(row => fields.map(name => row[names.indexOf(name)] ?? null))
  const total = (data as { total_count?: unknown }).total_count
  return {
    etag,
    ...(typeof link === 'string' && link !== '' && { link }),
    ...(shape.itemsKey !== undefined && typeof total === 'number' && { total_count: total }),
    ...(Object.keys(same).length > 0 && { same }),
    ...(Object.keys(prefix).length > 0 && { prefix }),
    fields,
    rows
  }
}

/**
 * The answer a kept page stands for: the listing's objects with the kept fields (and
 * `total_count`), new objects every call, since Octokit's pagination rewrites the answer it gets.
 * @throws Error when the page lacks a field of `shape` (a state file checks this when read).
 */
export function rebuild(shape: ListingShape, page: StoredPage): unknown {
  const items = page.rows.map(row => {
    const item: Record<string, unknown> = {}
    const byId: Array<[FieldCodec, string]> = []
    for (const [name, codec] of Object.entries(shape.fields)) {
      const column = page.fields.indexOf(name)
      const prefix = page.prefix?.[name]
      if (column >= 0) codec.write(item, row[column] ?? null)
      else if (page.same !== undefined && name in page.same) {
        codec.write(item, page.same[name] ?? null)
      } else if (prefix !== undefined) byId.push([codec, prefix])
      else throw new Error(`a kept page of ${shape.name} lacks the field ${name}`)
    }
    // After every other field: the id they end in is one of them.
    for (const [codec, prefix] of byId) codec.write(item, `${prefix}${String(item.id)}`)
    return item
  })
  if (shape.itemsKey === undefined) return items
  return { total_count: page.total_count ?? items.length, [shape.itemsKey]: items }
}

/** Whether `page` holds every field `shape` names (so that {@link rebuild} can rebuild it). */
export function isComplete(shape: ListingShape, page: StoredPage): boolean {
  return Object.keys(shape.fields).every(
    name =>
      page.fields.includes(name) ||
      (page.same !== undefined && name in page.same) ||
      page.prefix?.[name] !== undefined
  )
}

function itemsOf(shape: ListingShape, data: unknown): Record<string, unknown>[] | undefined {
  const list =
    shape.itemsKey === undefined
      ? data
      : typeof data === 'object' && data !== null
        ? (data as Record<string, unknown>)[shape.itemsKey]
        : undefined
  if (!Array.isArray(list)) return undefined
  if (!list.every(item => typeof item === 'object' && item !== null)) return undefined
  return list as Record<string, unknown>[]
}

/** The prefix every value of `column` has before its object's id, when they all have one. */
function idPrefix(
  items: readonly Record<string, unknown>[],
  column: readonly Json[]
): string | undefined {
  if (items.length < 2) return undefined
  let common: string | undefined
  for (const [index, value] of column.entries()) {
    const id = String(items[index]?.id)
    if (typeof value !== 'string' || !value.endsWith(id)) return undefined
    const prefix = value.slice(0, value.length - id.length)
    if (common !== undefined && common !== prefix) return undefined
    common = prefix
  }
  return common
}

function sameJson(a: Json, b: Json): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b)
}
