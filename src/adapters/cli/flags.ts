/**
 * The command line's flags: `actions-ops <operation> [--INPUT VALUE]…`. Every input of the one
 * definition is a flag of the same name, parsed with Node's own `util.parseArgs`; the settings
 * readers then see the flags through an `InputReader`, exactly as they see the action's inputs, so
 * validation is the same. Mistakes in how the command is called are {@link UsageError}s (exit 2).
 */
import { closest, distance } from 'fastest-levenshtein'
import { parseArgs } from 'node:util'
import {
  INPUTS,
  inputsOf,
  OPERATIONS,
  type InputName,
  type OperationName
} from '../../inputs/definition.js'
import { InputError } from '../../inputs/input-error.js'
import type { InputReader } from '../../inputs/step-inputs.js'

/** A mistake in how the command was called: exit status 2, before any request. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/** A flag of the command line itself (not an input of the action). */
export interface CliFlag {
  readonly description: string
  /** What the flag takes, e.g. `PATH`; none for a switch. */
  readonly value?: string
  readonly short?: string
  /** The operations that take it; every one when absent. */
  readonly operations?: readonly OperationName[]
}

/** The command line's own flags, beside the inputs. */
export const CLI_FLAGS = {
  json: {
    description:
      "Print exactly the JSON array of the action's `result` output on stdout, and nothing else."
  },
  verbose: { description: 'Also print what the operation does, line by line, on stderr.' },
  'generated-values-file': {
    description:
      'rotate-secrets with --generate (then required): a new file to write the generated values to, a JSON object name → value, created with mode 0600; an existing file is never overwritten.',
    value: 'PATH',
    operations: ['rotate-secrets']
  },
  help: {
    description: 'Show the inputs of the operation, or with no operation the operations.',
    short: 'h'
  },
  version: { description: 'Print the version.' }
} as const satisfies Record<string, CliFlag>

type CliFlagName = keyof typeof CLI_FLAGS

/** A command to run: the operation, the value given to each input, and the command line's own flags. */
export interface Command {
  operation: OperationName
  /** Each input given, as the action would get it: a list's repeated flags joined by newlines. */
  inputs: Partial<Record<InputName, string>>
  json: boolean
  verbose: boolean
  generatedValuesFile?: string
}

export type Invocation =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'operation-help'; operation: OperationName }
  | { kind: 'run'; command: Command }

/** How an input's flag is written in help and messages: `--name`. */
export const flagOf = (name: string): string => `--${name}`

/**
 * Parses the command line (without `node` and the script).
 * @throws UsageError for an unknown operation (naming the nearest) or flag, a flag without its
 *   value, a flag given twice (other than a list's), one that does not apply to the operation, and
 *   a stray argument.
 */
export function parseCommandLine(argv: readonly string[]): Invocation {
  const [first, ...rest] = argv
  if (first === undefined) {
    throw new UsageError(`name an operation: ${OPERATIONS.join(', ')}.`)
  }
  if (first.startsWith('-')) {
    // Only the command line's own questions come before an operation.
    const asked = parseFlags(argv, undefined)
    if (asked.version) return { kind: 'version' }
    if (asked.help) return { kind: 'help' }
    throw new UsageError(
      `name the operation first, e.g. 'actions-ops delete-runs ${first}'. Operations: ${OPERATIONS.join(', ')}.`
    )
  }
  const operation = parseOperationName(first)
  const parsed = parseFlags(rest, operation)
  if (parsed.help) return { kind: 'operation-help', operation }
  if (parsed.version) return { kind: 'version' }
  const command: Command = {
    operation,
    inputs: parsed.inputs,
    json: parsed.json,
    verbose: parsed.verbose,
    ...(parsed.generatedValuesFile !== undefined && {
      generatedValuesFile: parsed.generatedValuesFile
    })
  }
  return { kind: 'run', command }
}

/** The operation named by the first argument. @throws UsageError naming the nearest one. */
function parseOperationName(name: string): OperationName {
  if ((OPERATIONS as readonly string[]).includes(name)) return name as OperationName
  const nearest = closest(name.toLowerCase(), [...OPERATIONS])
  throw new UsageError(
    `'${name}' is not an operation. Did you mean '${nearest}'? Operations: ${OPERATIONS.join(', ')}.`
  )
}

interface ParsedFlags {
  inputs: Partial<Record<InputName, string>>
  json: boolean
  verbose: boolean
  help: boolean
  version: boolean
  generatedValuesFile?: string
}

/** Every input of any operation (`operation` is the first argument, not a flag). */
const INPUT_NAMES = (Object.keys(INPUTS) as InputName[]).filter(name => name !== 'operation')

const isInput = (name: string): name is InputName =>
  (INPUT_NAMES as readonly string[]).includes(name)
const isCliFlag = (name: string): name is CliFlagName => Object.hasOwn(CLI_FLAGS, name)

/**
 * Reads the flags with `util.parseArgs`. It knows every input of every operation, so that a flag of
 * another operation's input is told apart from a typo; its tokens then decide what parseArgs
 * cannot: a boolean input takes a value when one follows it (`--dry-run false`), or is `true` when
 * bare; any other input needs one.
 * @param operation the operation the flags are for; undefined before one is named (only the
 *   command line's own flags are then meaningful).
 */
function parseFlags(args: readonly string[], operation: OperationName | undefined): ParsedFlags {
  const { tokens } = parseArgs({
    args: [...args],
    options: {
      ...Object.fromEntries(
        INPUT_NAMES.map(name => [
          name,
          { type: INPUTS[name].type === 'boolean' ? 'boolean' : 'string', multiple: true }
        ])
      ),
      ...Object.fromEntries(
        Object.entries(CLI_FLAGS).map(([name, flag]) => [
          name,
          {
            type: 'value' in flag ? 'string' : 'boolean',
            ...('short' in flag && { short: flag.short })
          }
        ])
      )
    } as NonNullable<Parameters<typeof parseArgs>[0]>['options'],
    // Checked below from the tokens, with messages that name the flag and what to do.
    strict: false,
    allowPositionals: true,
    tokens: true
  })
  const given = new Map<InputName, string[]>()
  const parsed: ParsedFlags = {
    inputs: {},
    json: false,
    verbose: false,
    help: false,
    version: false
  }
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]
    if (token === undefined || token.kind === 'option-terminator') continue
    if (token.kind === 'positional') {
      throw new UsageError(
        `unexpected argument '${token.value}'. Give every value after its flag, e.g. '--repository acme/web'.`
      )
    }
    const { name, rawName } = token
    if (isCliFlag(name)) {
      const flag: CliFlag = CLI_FLAGS[name]
      if (flag.value === undefined) {
        if (token.value !== undefined) throw new UsageError(`${rawName} takes no value.`)
        if (name === 'json') parsed.json = true
        else if (name === 'verbose') parsed.verbose = true
        else if (name === 'help') parsed.help = true
        else parsed.version = true
        continue
      }
      if (operation !== undefined && flag.operations && !flag.operations.includes(operation)) {
        throw notApplying(rawName, operation, flag.operations)
      }
      parsed.generatedValuesFile = valueOf(token, rawName, flag.value)
      continue
    }
    if (!isInput(name)) throw unknownFlag(rawName, operation)
    if (operation !== undefined && !inputsOf(operation).includes(name)) {
      const definition = INPUTS[name]
      throw notApplying(
        rawName,
        operation,
        definition.operations === 'all' ? OPERATIONS : definition.operations
      )
    }
    let value: string
    if (INPUTS[name].type === 'boolean') {
      const next = tokens[index + 1]
      if (token.value !== undefined) value = token.value
      else if (next?.kind === 'positional') {
        value = next.value
        index += 1
      } else value = 'true'
    } else value = valueOf(token, rawName, 'VALUE')
    const values = given.get(name) ?? []
    if (values.length > 0 && INPUTS[name].type !== 'list') {
      throw new UsageError(`${rawName} is given more than once; give it once.`)
    }
    given.set(name, [...values, value])
  }
  // A list's flags repeat: the readers split on newlines as on commas.
  for (const [name, values] of given) parsed.inputs[name] = values.join('\n')
  return parsed
}

/** One option of the command line as parseArgs read it (name, raw name, value if any). */
type OptionToken = Extract<
  NonNullable<ReturnType<typeof parseArgs>['tokens']>[number],
  { kind: 'option' }
>

/**
 * The value of a flag that needs one: inline (`--x=VALUE`) or the next argument. A next argument
 * that starts with `-` is taken for a forgotten value, as parseArgs' strict mode does.
 */
function valueOf(token: OptionToken, rawName: string, what: string): string {
  if (token.value === undefined) {
    throw new UsageError(`${rawName} needs a value: ${rawName} ${what}.`)
  }
  if (!token.inlineValue && token.value.startsWith('-')) {
    throw new UsageError(
      `${rawName} needs a value, but '${token.value}' follows it. For a value that starts with '-', write ${rawName}=${token.value}.`
    )
  }
  return token.value
}

function notApplying(
  rawName: string,
  operation: OperationName,
  operations: readonly OperationName[]
): UsageError {
  return new UsageError(
    `${rawName} does not apply to ${operation}; it is an input of ${operations.join(', ')}. See 'actions-ops ${operation} --help'.`
  )
}

/** An unknown flag, with the nearest flag of the operation when it is a likely typo. */
function unknownFlag(rawName: string, operation: OperationName | undefined): UsageError {
  const names = [
    ...(operation === undefined ? [] : inputsOf(operation)),
    ...(Object.keys(CLI_FLAGS) as CliFlagName[]).filter(name => {
      const flag: CliFlag = CLI_FLAGS[name]
      return operation !== undefined && (!flag.operations || flag.operations.includes(operation))
    })
  ].filter(name => name !== 'operation')
  const typed = rawName.replace(/^-+/, '')
  const nearest = names.length > 0 ? closest(typed, names) : undefined
  const hint =
    nearest !== undefined && distance(typed, nearest) <= Math.max(2, typed.length / 3)
      ? ` Did you mean ${flagOf(nearest)}?`
      : ''
  const operationHint =
    rawName === '--operation'
      ? ' The operation is the first argument, e.g. actions-ops delete-runs.'
      : ''
  return new UsageError(
    `unknown flag ${rawName}.${hint}${operationHint} See 'actions-ops ${operation ?? ''}${operation ? ' ' : ''}--help'.`
  )
}

/**
 * The inputs of `command` as the settings readers read them: what the flag gave (`core.getInput`'s
 * trimming applies), `operation` from the first argument, and `github-token` found by the
 * environment when no flag gave it.
 */
export function flagReader(command: Command, token: string): InputReader {
  return (name, options) => {
    if (name === 'operation') return command.operation
    const given = name === 'github-token' ? token : (command.inputs[name as InputName] ?? '')
    return options?.trimWhitespace === false ? given : given.trim()
  }
}

/** `'limit: 100'` as a flag: `'--limit 100'`; only for names of inputs. */
const QUOTED_SETTING = /'([a-z][a-z-]*)(?:: ([^'\n]*))?'/g

/**
 * An input error in the command line's words: `--limit: "abc" is not a whole number. Use a number
 * from 1 to 10000, e.g. '--limit 100'.` The readers' messages name inputs as a workflow writes
 * them (`Input 'limit'`, `'limit: 100'`); here each names the flag.
 */
export function describeInputError(error: InputError): string {
  const prefix = `Input '${error.input}': `
  const body = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message
  const rewritten = body.replace(QUOTED_SETTING, (whole, name: string, value?: string) =>
    isInput(name) ? `'${flagOf(name)}${value === undefined ? '' : ` ${value}`}'` : whole
  )
  return `${flagOf(error.input)}: ${rewritten}`
}
