/**
 * What the clean-up rules share: literal globs, the `older-than` cut-off, and ages and sizes the
 * way a person reads them. Pure: no API, no clock of its own.
 */
import prettyBytes from 'pretty-bytes'

// Characters that make a minimatch pattern more than a literal (escapes included).
const GLOB_SPECIAL = /[*?[\]{}()!+@\\]/

/** Whether a glob matches only itself: no character minimatch reads as special. */
export function isLiteralGlob(glob: string): boolean {
  return !GLOB_SPECIAL.test(glob)
}

/** The part of a glob before its first special character: what every match starts with. */
export function literalPrefix(glob: string): string {
  const special = GLOB_SPECIAL.exec(glob)
  return special === null ? glob : glob.slice(0, special.index)
}

/**
 * The instant targets must be older than: `now − olderThanSeconds`, down to a whole second
 * (GitHub's timestamps have none finer), in epoch milliseconds; undefined for 0 (`older-than: 0s`,
 * no age condition).
 */
export function cutoffOf(now: Date, olderThanSeconds: number): number | undefined {
  if (olderThanSeconds === 0) return undefined
  return Math.floor((now.getTime() - olderThanSeconds * 1000) / 1000) * 1000
}

/**
 * Whether an ISO 8601 time lies before `cutoffMs`: always true without a cut-off; never for a
 * missing or unreadable time otherwise.
 */
export function isBefore(iso: string | null | undefined, cutoffMs: number | undefined): boolean {
  if (cutoffMs === undefined) return true
  if (!iso) return false
  const at = Date.parse(iso)
  return Number.isFinite(at) && at < cutoffMs
}

/** An age in its largest whole unit: `45d`, `5h`, `12m`, `30s` (`0s` for less than a second). */
export function roughAge(milliseconds: number): string {
  const seconds = Math.max(0, Math.floor(milliseconds / 1000))
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60]
  ] as const) {
    if (seconds >= size) return `${Math.floor(seconds / size)}${unit}`
  }
  return `${seconds}s`
}

/** A byte count in binary units with at most one decimal, e.g. `1.2 GiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  return prettyBytes(bytes, { binary: true, maximumFractionDigits: 1 })
}
