/** Glob matching of names and logins, as every input that takes globs uses it. Pure. */
import { minimatch } from 'minimatch'

/** True when `value` matches one of the globs (minimatch; `*` stops at `/`, `**` does not). */
export function matchesAny(value: string, globs: readonly string[]): boolean {
  return globs.some(glob => minimatch(value, glob, { dot: true }))
}

/**
 * True when a login matches one of the globs. Logins hold no brackets except a bot's `[bot]`
 * suffix, so brackets in these globs are literal: as a character class, `dependabot[bot]` would
 * match the user `dependabotb` and miss the bot.
 */
export function matchesLogin(login: string, globs: readonly string[]): boolean {
  return matchesAny(
    login,
    globs.map(glob => glob.replace(/(?<!\\)[[\]]/g, '\\$&'))
  )
}

/**
 * The first `exclude-repository` glob that matches `fullName` (`owner/repo`; case-insensitive,
 * names starting with a dot included), or undefined.
 */
export function excludedBy(fullName: string, globs: readonly string[]): string | undefined {
  return globs.find(glob => minimatch(fullName, glob, { nocase: true, dot: true }))
}
