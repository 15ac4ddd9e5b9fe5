/**
 * Pure parsers for input values. Each throws an `InputError` that names the input, quotes the
 * value and shows an accepted example, so a mistyped step fails before the first API call.
 */
import { Minimatch } from 'minimatch'
import parseDuration from 'parse-duration'
import { RE2JS } from 're2js'
import type { RepositoryRef } from './settings.js'

/** A bad input value. `input` is the input's name as written in `with:`. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(`Input '${input}': ${message}`)
    this.name = 'InputError'
  }
}

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

const UNITS: Array<[string, number]> = [
  ['d', 86400],
  ['h', 3600],
  ['m', 60],
  ['s', 1]
]

/** Writes whole seconds as a duration input would: `400d`, `6h`, `1h30m`, `0s`. */
export function formatDuration(seconds: number): string {
  let left = Math.floor(seconds)
  let text = ''
  for (const [unit, size] of UNITS) {
    if (left >= size) {
      text += `${Math.floor(left / size)}${unit}`
      left %= size
    }
  }
  return text || '0s'
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
