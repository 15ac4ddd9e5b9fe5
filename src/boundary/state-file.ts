/**
 * The state file (`state-file`): what one run keeps of its listings for the next, read when the
 * step starts and rewritten when it ends. A JSON object:
 *
 * ```json
 * {
 *   "version": 1,
 *   "api": "https://api.github.com",
 *   "listings": {
 *     "/repos/acme/web/actions/runs?per_page=100": {
 *       "etag": "W/\"5e0f…\"", "total_count": 2,
 *       "same": { "workflow_id": 11, "event": "push", … },
 *       "prefix": { "html_url": "https://github.com/acme/web/actions/runs/" },
 *       "fields": ["id", "head_sha", "created_at"],
 *       "rows": [[5002, "…", "2026-11-22T11:00:00Z"], [5001, "…", "2026-11-22T10:00:00Z"]]
 *     }
 *   }
 * }
 * ```
 *
 * `version` is the format's number and `api` the API base URL the listings came from; each entry
 * of `listings` is one page (`StoredPage` in conditional.ts) under its path and query. The file
 * holds nothing else: no token, no header but `ETag` and `Link`, no secret value, no log line.
 * A file that cannot be used (empty, unreadable, not JSON, cut short, another version, another
 * API, a page without the fields a decision reads) is set aside with one warning naming it; a
 * missing file is the first run's and starts fresh without one.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import { messageOf } from './api-errors.js'
import { isComplete, type ListingShape, type StoredPage } from './conditional.js'

/** The format's number: a file of another version starts fresh. */
export const STATE_FILE_VERSION = 1

/** What reading the state file gave. */
export interface LoadedState {
  /** The pages kept, by listing key (empty when starting fresh). */
  pages: Map<string, StoredPage>
  /** Why the file was set aside (for the one warning), when it was. */
  problem?: string
}

/**
 * Reads the state file at `path`.
 * @param apiUrl the API base URL of this run: a file written against another API is set aside.
 * @param shapes the listings whose pages may be kept: a page of none of them, or one that lacks a
 *   field its listing's decisions read, makes the file unusable.
 * @returns the pages, or none and the problem when the file cannot be used. A missing file is no
 *   problem (the first run). Never throws.
 */
export function loadState(
  path: string,
  apiUrl: string,
  shapes: readonly ListingShape[]
): LoadedState {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return { pages: new Map() }
    return fresh(`could not be read (${messageOf(error)})`)
  }
  if (text.trim() === '') return fresh('is empty')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return fresh(`is not JSON, or was cut short (${messageOf(error)})`)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return fresh('is not a JSON object')
  }
  const { version, api, listings } = parsed as Record<string, unknown>
  if (version !== STATE_FILE_VERSION) {
    return fresh(`has version ${JSON.stringify(version)}, not ${STATE_FILE_VERSION}`)
  }
  if (api !== apiUrl) {
    return fresh(`was written for the API ${JSON.stringify(api)}, not ${apiUrl}`)
  }
  if (typeof listings !== 'object' || listings === null || Array.isArray(listings)) {
    return fresh('has no "listings" object')
  }
  const pages = new Map<string, StoredPage>()
  for (const [key, page] of Object.entries(listings as Record<string, unknown>)) {
    const shape = shapes.find(candidate => candidate.path.test(key.split('?')[0] ?? ''))
    if (shape === undefined || !isStoredPage(page) || !isComplete(shape, page)) {
      return fresh(`holds an entry it cannot use (${key.slice(0, 200)})`)
    }
    pages.set(key, page)
  }
  return { pages }
}

function fresh(problem: string): LoadedState {
  return { pages: new Map(), problem }
}

function isStoredPage(value: unknown): value is StoredPage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const page = value as Record<string, unknown>
  const isRecord = (field: unknown): boolean =>
    field === undefined || (typeof field === 'object' && field !== null && !Array.isArray(field))
  return (
    typeof page.etag === 'string' &&
    page.etag !== '' &&
    (page.link === undefined || typeof page.link === 'string') &&
    (page.total_count === undefined || typeof page.total_count === 'number') &&
    isRecord(page.same) &&
    isRecord(page.prefix) &&
    Object.values((page.prefix ?? {}) as object).every(prefix => typeof prefix === 'string') &&
    Array.isArray(page.fields) &&
    page.fields.every(field => typeof field === 'string') &&
    Array.isArray(page.rows) &&
    page.rows.every(row => Array.isArray(row) && row.length === (page.fields as unknown[]).length)
  )
}

/**
 * Writes the state file: the pages this run read, under `version` and `api`. Written to a
 * temporary file beside it (a name no other step uses), flushed to disk, then renamed over
 * `path`, so a reader sees the old file or the new one, never half of one; on failure the
 * temporary file is removed and the old file stays as it was.
 * @returns the bytes written.
 * @throws the file system's error (the caller warns: the next run starts fresh).
 */
export function saveState(
  path: string,
  apiUrl: string,
  pages: ReadonlyMap<string, StoredPage>
): number {
  const text = `${JSON.stringify({
    version: STATE_FILE_VERSION,
    api: apiUrl,
    listings: Object.fromEntries(pages)
  })}\n`
  const temporary = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`
  )
  let descriptor: number | undefined
  try {
    // `wx`: never an existing file (another step's temporary file, or a link planted there).
    descriptor = openSync(temporary, 'wx', 0o600)
    const bytes = Buffer.from(text, 'utf8')
    for (let written = 0; written < bytes.length;) {
      written += writeSync(descriptor, bytes, written, bytes.length - written)
    }
    fsyncSync(descriptor)
    closeSync(descriptor)
    descriptor = undefined
    renameSync(temporary, path)
    return bytes.length
  } catch (error) {
    if (descriptor !== undefined) {
      try {
        closeSync(descriptor)
      } catch {
        // The write's own error is the one to report.
      }
    }
    rmSync(temporary, { force: true })
    throw error
  }
}
