/**
 * The query filters of GitHub's workflow-run listings, including its search date syntax for
 * `created`.
 */
import type { RunState } from './state.js'

/** Parameters that make GitHub cap a run listing at 1,000 results. */
export const CAPPING_FILTERS = [
  'actor',
  'branch',
  'check_suite_id',
  'created',
  'event',
  'head_sha',
  'status'
] as const

/** GitHub's cap on filtered run listings. */
export const FILTERED_RESULT_CAP = 1000

/** A time predicate over epoch milliseconds. */
export type TimePredicate = (ms: number) => boolean

const DAY_MS = 86_400_000

/**
 * A bound of the date syntax as the interval it names, in epoch ms: a date (`2026-11-20`) is that
 * whole UTC day, a timestamp is its one second. Undefined when unparsable.
 */
function interval(text: string): { start: number; end: number } | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`)
    return Number.isNaN(start) ? undefined : { start, end: start + DAY_MS }
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined
  const start = Date.parse(text)
  return Number.isNaN(start) ? undefined : { start, end: start + 1000 }
}

/**
 * Parses GitHub's search date syntax (`>=X`, `>X`, `<=X`, `<X`, `X..Y`, `X..*`, `*..Y`, or `X`;
 * X a date or an ISO 8601 timestamp) into a predicate. Dates cover whole UTC days, so `>2026-11-20`
 * starts on the 21st and `X..Y` includes all of day Y. Returns undefined for text it cannot read.
 */
export function parseDateQuery(text: string): TimePredicate | undefined {
  const value = text.trim()
  const range = /^(.+?)\.\.(.+)$/.exec(value)
  if (range) {
    const [, fromText = '', toText = ''] = range
    const from = fromText === '*' ? { start: -Infinity, end: -Infinity } : interval(fromText)
    const to = toText === '*' ? { start: Infinity, end: Infinity } : interval(toText)
    if (!from || !to) return undefined
    return ms => ms >= from.start && ms < to.end
  }
  const op = /^(>=|<=|>|<)?(.+)$/.exec(value)
  const bound = op?.[2] === undefined ? undefined : interval(op[2])
  if (!bound) return undefined
  switch (op?.[1]) {
    case '>=':
      return ms => ms >= bound.start
    case '>':
      return ms => ms >= bound.end
    case '<=':
      return ms => ms < bound.end
    case '<':
      return ms => ms < bound.start
    default:
      return ms => ms >= bound.start && ms < bound.end
  }
}

/** Run listing filters, as read from the query. */
export interface RunFilters {
  actor?: string
  branch?: string
  event?: string
  status?: string
  created?: TimePredicate
  headSha?: string
  checkSuiteId?: number
}

/** Result of reading the filters: either the filters or the message of an unreadable value. */
export type RunFilterParse = { ok: true; filters: RunFilters } | { ok: false; error: string }

/** Reads the run-listing filters from a query. Never throws; bad `created` text is reported. */
export function readRunFilters(query: URLSearchParams): RunFilterParse {
  const filters: RunFilters = {}
  const text = (name: string): string | undefined => query.get(name) ?? undefined
  filters.actor = text('actor')
  filters.branch = text('branch')
  filters.event = text('event')
  filters.status = text('status')
  filters.headSha = text('head_sha')
  const suite = text('check_suite_id')
  if (suite !== undefined) filters.checkSuiteId = Number(suite)
  const created = text('created')
  if (created !== undefined) {
    const predicate = parseDateQuery(created)
    if (!predicate) return { ok: false, error: `created: cannot read date query '${created}'` }
    filters.created = predicate
  }
  return { ok: true, filters }
}

/** Whether any parameter that triggers GitHub's 1,000-result cap is present. */
export function isCapped(query: URLSearchParams): boolean {
  return CAPPING_FILTERS.some(name => query.has(name))
}

/**
 * Whether `run` passes `filters`. `status` matches the run's status or its conclusion (GitHub
 * takes one value for both); `actor` matches the actor's login; `checkSuiteId` is compared with
 * `checkSuiteIdOf(run)`.
 */
export function matchesRun(
  run: RunState,
  filters: RunFilters,
  checkSuiteIdOf: (run: RunState) => number
): boolean {
  if (filters.actor !== undefined && run.actor !== filters.actor) return false
  if (filters.branch !== undefined && run.head_branch !== filters.branch) return false
  if (filters.event !== undefined && run.event !== filters.event) return false
  if (filters.headSha !== undefined && run.head_sha !== filters.headSha) return false
  if (filters.status !== undefined) {
    if (run.status !== filters.status && run.conclusion !== filters.status) return false
  }
  if (filters.checkSuiteId !== undefined && checkSuiteIdOf(run) !== filters.checkSuiteId) {
    return false
  }
  if (filters.created && !filters.created(Date.parse(run.created_at))) return false
  return true
}
