/**
 * Pure parsers for input values. Each throws an `InputError` that names the input, quotes the
 * value and shows an accepted example, so a mistyped step fails before the first API call.
 */
import { Minimatch } from 'minimatch'
import parseDuration from 'parse-duration'
import { RE2JS } from 're2js'
import type { RepositoryEntry, RepositoryRef } from '../settings.js'
import { formatDuration } from '../rules/durations.js'
import { InputError } from './input-error.js'

export { InputError }

const quote = (value: string): string => JSON.stringify(value)

/** Splits a list input on newlines and commas, trims items and drops blanks. */
export function parseList(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map(item => item.trim())
    .filter(item => item.length > 0)
}

const BOOLEAN_TRUE = ['true', 'True', 'TRUE']
const BOOLEAN_FALSE = ['false', 'False', 'FALSE']

/**
 * Parses a boolean the way `core.getBooleanInput` does (YAML 1.2 core schema).
 * An empty value takes `fallback`.
 * @throws InputError for anything but true/True/TRUE/false/False/FALSE.
 */
export function parseBoolean(input: string, raw: string, fallback: boolean): boolean {
  const value = raw.trim()
  if (value === '') return fallback
  if (BOOLEAN_TRUE.includes(value)) return true
  if (BOOLEAN_FALSE.includes(value)) return false
  throw new InputError(
    input,
    `${quote(value)} is not a boolean. Use true or false, e.g. '${input}: true'.`
  )
}

/**
 * Parses a whole number within `[min, max]`. An empty value takes `fallback`.
 * @throws InputError for fractions, signs, words, or values out of range.
 */
export function parseInteger(
  input: string,
  raw: string,
  fallback: number,
  range: { min: number; max: number }
): number {
  const value = raw.trim()
  if (value === '') return fallback
  if (!/^\d+$/.test(value)) {
    throw new InputError(
      input,
      `${quote(value)} is not a whole number. Use a number from ${range.min} to ${range.max}, e.g. '${input}: ${fallback}'.`
    )
  }
  const parsed = Number(value)
  if (parsed < range.min || parsed > range.max) {
    throw new InputError(
      input,
      `${value} is out of range. Use a number from ${range.min} to ${range.max}, e.g. '${input}: ${fallback}'.`
    )
  }
  return parsed
}

// Units as the contract writes them; parse-duration accepts far more (e.g. bare numbers as ms), so
// the shape is checked first and only then handed over.
const DURATION_SHAPE = /^(\d+(w|d|h|m|s))+$/

/** Bounds of a duration input, in seconds. */
export interface DurationBounds {
  /** The shortest accepted (default 1; 0 lets `0s` mean "no duration"). */
  min?: number
  /** The longest accepted. */
  max: number
  /** Why nothing longer makes sense, said when a value is over `max`, e.g. `GitHub keeps runs at most 400 days`. */
  why?: string
}

/**
 * Parses a duration such as `90s`, `30m`, `6h`, `7d` or `1h30m` into seconds. Empty → undefined.
 * @param bounds the accepted range in seconds; a value outside it is refused with the bound
 *   written as a duration (e.g. `400d`).
 * @throws InputError for other shapes, and for values below `bounds.min` (default 1) or above
 *   `bounds.max`.
 */
export function parseDurationSeconds(
  input: string,
  raw: string,
  bounds: DurationBounds
): number | undefined {
  const value = raw.trim()
  if (value === '') return undefined
  const min = bounds.min ?? 1
  const seconds = DURATION_SHAPE.test(value) ? parseDuration(value, 's') : undefined
  if (seconds === undefined || seconds === null || Number.isNaN(seconds)) {
    throw new InputError(
      input,
      `${quote(value)} is not a duration. Use a number with a unit (s, m, h, d, w), e.g. '${input}: 30m' or '1h30m'.`
    )
  }
  const max = formatDuration(bounds.max)
  if (seconds > bounds.max) {
    throw new InputError(
      input,
      `${quote(value)} is longer than ${max}, the most it accepts${bounds.why ? ` (${bounds.why})` : ''}. Use at most ${max}, e.g. '${input}: ${max}'.`
    )
  }
  if (seconds < min) {
    throw new InputError(
      input,
      `${quote(value)} is shorter than ${formatDuration(min)}. Use a duration from ${formatDuration(min)} to ${max}, e.g. '${input}: 30m'.`
    )
  }
  return seconds
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
const REPO = /^[A-Za-z0-9._-]{1,100}$/

/**
 * Parses one `owner/repo`.
 * @throws InputError when it is not of that form.
 */
export function parseRepository(input: string, raw: string): RepositoryRef {
  const [owner, repo, extra] = raw.split('/')
  if (
    owner === undefined ||
    repo === undefined ||
    extra !== undefined ||
    !OWNER.test(owner) ||
    !REPO.test(repo) ||
    repo === '.' ||
    repo === '..'
  ) {
    throw new InputError(
      input,
      `${quote(raw)} is not a repository. Expected owner/repo, e.g. 'octo-org/web'.`
    )
  }
  return { owner, repo }
}

/**
 * Parses a list of globs (minimatch syntax: `*`, `**`, `?`, `[abc]`, `{a,b}`, leading `!` not allowed).
 * @throws InputError for a pattern minimatch cannot compile or a negation.
 */
export function parseGlobs(input: string, raw: string, example: string): string[] {
  const patterns = parseList(raw)
  for (const pattern of patterns) {
    const compiled = new Minimatch(pattern)
    if (pattern.startsWith('!') || compiled.makeRe() === false) {
      throw new InputError(
        input,
        `${quote(pattern)} is not a usable glob (negations are not supported; list what to match, and use exclude inputs to exclude). Example: '${input}: ${example}'.`
      )
    }
  }
  return patterns
}

/**
 * Parses a regular expression in RE2 syntax (no delimiters; flags inline, e.g. `(?i)`; the
 * JavaScript forms `\uFFFD` and `(?<name>…)` are translated), compiled by a linear-time engine:
 * matching time grows with the text, never exponentially, whatever the pattern. RE2 has no
 * backreferences and no lookahead or lookbehind.
 * @throws InputError when RE2 refuses the pattern.
 */
export function parseRegExp(input: string, raw: string): RE2JS | undefined {
  if (raw.trim() === '') return undefined
  try {
    return RE2JS.compile(RE2JS.translateRegExp(raw))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new InputError(
      input,
      `${quote(raw)} is not a regular expression in RE2 syntax (${reason}). RE2 has no backreferences (\\1) and no lookahead or lookbehind ((?=…), (?!…), (?<=…), (?<!…)). Example: '${input}: ETIMEDOUT|ECONNRESET'.`
    )
  }
}

/**
 * Parses one of a fixed set of words (exact match, case-sensitive like the API).
 * @throws InputError naming the accepted words.
 */
export function parseChoice<T extends string>(
  input: string,
  raw: string,
  choices: readonly T[],
  fallback: T
): T {
  const value = raw.trim()
  if (value === '') return fallback
  if ((choices as readonly string[]).includes(value)) return value as T
  throw new InputError(
    input,
    `${quote(value)} is not one of ${choices.join(', ')}. Example: '${input}: ${fallback}'.`
  )
}

/**
 * Parses a workflow reference: a numeric id or a workflow file name.
 * @throws InputError for anything else.
 */
export function parseWorkflows(input: string, raw: string): string[] {
  const workflows = parseList(raw)
  for (const workflow of workflows) {
    if (!/^\d+$/.test(workflow) && !/^[A-Za-z0-9._-]+\.ya?ml$/.test(workflow)) {
      throw new InputError(
        input,
        `${quote(workflow)} is not a workflow file name or id. Use the file name under .github/workflows, e.g. '${input}: ci.yml'.`
      )
    }
  }
  return workflows
}

/** GitHub keeps workflow runs and artifacts at most 400 days: an older age selects nothing. */
const MAX_AGE_SECONDS = 400 * 86400

/**
 * Parses a required age such as `older-than`: a duration as `parseDurationSeconds` reads it, at
 * most 400 days, or zero (`0s`), which means no age condition.
 * @returns seconds, 0 for zero.
 * @throws InputError when empty (naming `example`), not a duration, or longer than 400 days.
 */
export function parseRequiredAgeSeconds(input: string, raw: string, example: string): number {
  const value = raw.trim()
  if (value === '') {
    throw new InputError(
      input,
      `is required: deleting cannot be undone, so say how old targets must be, e.g. '${input}: ${example}' ('${input}: 0s' for any age).`
    )
  }
  return (
    parseDurationSeconds(input, value, {
      min: 0,
      max: MAX_AGE_SECONDS,
      why: 'GitHub keeps runs and artifacts at most 400 days'
    }) ?? 0
  )
}

/** Characters that make a repository name a glob (minimatch: `*`, `?`, `[…]`). */
const NAME_GLOB_CHARS = /[*?[\]]/
/** What a name glob may hold: a repository name's characters and the glob characters above. */
const NAME_GLOB = /^[A-Za-z0-9._*?[\]!-]{1,100}$/
/** Brackets in pairs, each enclosing at least one character (`[ab]`, `[!a]`). */
const PAIRED_BRACKETS = /^(?:[^[\]]|\[[^[\]]+\])*$/
/** Any glob character, for telling an owner glob (refused) from a bad owner. */
const ANY_GLOB_CHARS = /[*?[\]{}!]/

const ENTRY_EXAMPLE = `Use owner/repo, owner/GLOB (only the name part may be a glob) or * for every repository the token can access, e.g. 'acme/web', 'acme/*' or 'acme/web-*'.`

/**
 * Parses one entry of `repository`: `owner/repo`, a pattern `owner/GLOB` over the names of one
 * owner's repositories (`acme/*`, `acme/web-*`, minimatch syntax without `/`), or `*` (every
 * repository the token can access). Only the name part may be a glob.
 * @returns a named repository (as written) or a pattern; `*` is a pattern without an owner.
 * @throws InputError naming `input`, the value, what is wrong and accepted examples: for an owner
 *   glob (`*\/web`, `*\/*`), a missing or empty part (`acme`, `acme/`, `/web`), an extra part
 *   (`acme/web/x`), characters no repository name has, or a glob minimatch cannot compile.
 */
export function parseRepositoryEntry(input: string, raw: string): RepositoryEntry {
  const value = raw.trim()
  if (value === '*') return { kind: 'pattern', text: value, glob: '*' }
  const refuse = (why: string): never => {
    throw new InputError(
      input,
      `${quote(value)} is not a repository or a pattern: ${why}. ${ENTRY_EXAMPLE}`
    )
  }
  const parts = value.split('/')
  if (parts.length !== 2) {
    return refuse(parts.length === 1 ? 'it has no owner/ part' : 'it has more than one /')
  }
  const [owner = '', name = ''] = parts
  if (owner === '') return refuse('the owner is empty')
  if (name === '') return refuse('the name is empty')
  if (ANY_GLOB_CHARS.test(owner)) return refuse('only the name part may be a glob')
  if (!OWNER.test(owner)) return refuse(`${quote(owner)} is not an owner login`)
  if (!NAME_GLOB_CHARS.test(name)) {
    if (!REPO.test(name) || name === '.' || name === '..') {
      return refuse(`${quote(name)} is not a repository name`)
    }
    return { kind: 'named', owner, repo: name }
  }
  if (
    !NAME_GLOB.test(name) ||
    !PAIRED_BRACKETS.test(name) ||
    name.startsWith('!') ||
    compileNameGlob(name) === undefined
  ) {
    return refuse(`${quote(name)} is not a usable glob on repository names`)
  }
  return { kind: 'pattern', text: value, owner, glob: name }
}

/**
 * Parses `repository`: a list of entries (see `parseRepositoryEntry`), each once. Entries that
 * differ only in case are one (GitHub's owner and repository names ignore case); the first
 * spelling is kept, in input order.
 * @throws InputError as `parseRepositoryEntry` does.
 */
export function parseRepositoryEntries(input: string, raw: string): RepositoryEntry[] {
  const seen = new Set<string>()
  const entries: RepositoryEntry[] = []
  for (const item of parseList(raw)) {
    const entry = parseRepositoryEntry(input, item)
    const key = entryText(entry).toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    entries.push(entry)
  }
  return entries
}

/** An entry as the user wrote it: `owner/repo`, or the pattern's text. */
export function entryText(entry: RepositoryEntry): string {
  return entry.kind === 'named' ? `${entry.owner}/${entry.repo}` : entry.text
}

/**
 * Parses `exclude-repository`: globs on `owner/repo` (minimatch, case-insensitive), each with one
 * `/` between a non-empty owner part and name part, e.g. `acme/legacy-*` or `*\/archive-*`.
 * @throws InputError naming `input` for a glob without exactly one `/`, with an empty part, a
 *   negation, or one minimatch cannot compile.
 */
export function parseRepositoryGlobs(input: string, raw: string): string[] {
  const globs = parseList(raw)
  for (const glob of globs) {
    const parts = glob.split('/')
    const usable =
      parts.length === 2 &&
      parts.every(part => part !== '') &&
      !glob.startsWith('!') &&
      new Minimatch(glob, { nocase: true }).makeRe() !== false
    if (!usable) {
      throw new InputError(
        input,
        `${quote(glob)} is not a glob on owner/repo. Give owner and name parts, either a glob, e.g. '${input}: acme/legacy-*' or '*/sandbox'.`
      )
    }
  }
  return globs
}

/** The compiled name glob (case-insensitive), or undefined when minimatch cannot compile it. */
function compileNameGlob(glob: string): RegExp | undefined {
  const compiled = new Minimatch(glob, { nocase: true, dot: true }).makeRe()
  return compiled === false ? undefined : compiled
}
