/**
 * The step's inputs as the settings readers see them: read through the one definition, so a blank
 * value takes the definition's default (and no default is written anywhere else), and typed by
 * the parsers of parse.ts. Both front doors provide an `InputReader`: the action's `core.getInput`,
 * the command line's flags.
 */
import { defaultOf, INPUTS, isExpression, type InputName } from './definition.js'
import { InputError } from './input-error.js'
import { parseBoolean, parseChoice, parseGlobs, parseInteger, parseList } from './parse.js'

/**
 * Reads one input by its name; returns '' when unset. Trims surrounding whitespace unless
 * `trimWhitespace` is false, like `core.getInput`.
 */
export type InputReader = (name: string, options?: { trimWhitespace?: boolean }) => string

/** Environment variables, as `process.env`. */
export type Environment = Record<string, string | undefined>

/** Typed access to the inputs of one step; every value is validated where it is read. */
export class StepInputs {
  constructor(private readonly read: InputReader) {}

  /**
   * The value as given, or the definition's default when blank. Trimmed unless `trimWhitespace`
   * is false.
   * @throws InputError for a value that still holds a `${{ … }}` default the runner did not
   *   evaluate (a local runner may send the default as written); only an expression is quoted.
   */
  raw(name: InputName, options?: { trimWhitespace?: boolean }): string {
    const value = this.read(name, options)
    if (value.trim() === '') return defaultOf(name) ?? value
    const written = (INPUTS[name] as { default?: string }).default
    if (written !== undefined && isExpression(written) && isExpression(value)) {
      // Quoted only when the value is the expression alone: around it could stand a secret.
      const expression = value.trim()
      const shown = /^\$\{\{[^}]*\}\}$/.test(expression)
        ? `the expression ${JSON.stringify(expression)}`
        : 'a ${{ … }} expression'
      throw new InputError(
        name,
        `holds ${shown}, which was not evaluated: only GitHub's runner evaluates an action's defaults, and the runner of this step passed it as written. Give the value itself (for a local run, set INPUT_${name.toUpperCase()} or pass it with the step).`
      )
    }
    return value
  }

  /** The trimmed value or the default; '' when neither. */
  text(name: InputName): string {
    return this.raw(name).trim()
  }

  /** A list (newlines or commas); blanks dropped. */
  list(name: InputName): string[] {
    return parseList(this.raw(name))
  }

  /** @throws InputError for anything but YAML 1.2 core booleans. */
  boolean(name: InputName): boolean {
    return parseBoolean(name, this.raw(name), defaultOf(name) === 'true')
  }

  /** @throws InputError for a value that is not a whole number in `range`. */
  integer(name: InputName, range: { min: number; max: number }): number {
    const fallback = Number(defaultOf(name) ?? range.min)
    return parseInteger(name, this.raw(name), fallback, range)
  }

  /** @throws InputError for a word not in `choices`. */
  choice<T extends string>(name: InputName, choices: readonly T[], example: T): T {
    return parseChoice(name, this.raw(name), choices, (defaultOf(name) as T | undefined) ?? example)
  }

  /** Globs (minimatch). @throws InputError naming `example` for a glob that cannot be used. */
  globs(name: InputName, example: string): string[] {
    return parseGlobs(name, this.raw(name), example)
  }
}
