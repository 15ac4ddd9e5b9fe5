/**
 * The command line's flags: every input of the operation from the one definition, parsed with
 * `util.parseArgs`; booleans bare or with a value, lists repeated or with commas; usage errors for
 * what the command line cannot take; and the readers' messages in the flags' words.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  describeInputError,
  flagReader,
  parseCommandLine,
  UsageError,
  type Command,
  type Invocation
} from '../../src/adapters/cli/flags.js'
import { INPUTS, inputsOf, OPERATIONS, type InputName } from '../../src/inputs/definition.js'
import { InputError } from '../../src/inputs/input-error.js'
import { actionsLog, useLog } from '../../src/log.js'
import { readSettings } from '../../src/operations/index.js'

// The readers mask the token: through a sink of the command line's own, not `::add-mask::`.
beforeAll(() =>
  useLog({
    ...actionsLog,
    mask: () => undefined
  })
)
afterAll(() => useLog(actionsLog))

/** The command a command line runs; fails the test for anything else. */
function commandOf(argv: string[]): Command {
  const invocation: Invocation = parseCommandLine(argv)
  if (invocation.kind !== 'run') throw new Error(`not a command to run: ${invocation.kind}`)
  return invocation.command
}

/** The message of the usage error a command line gives. */
function usageErrorOf(argv: string[]): string {
  try {
    parseCommandLine(argv)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error(`no usage error for ${argv.join(' ')}`)
}

describe('parseCommandLine', () => {
  it.each([
    [['delete-runs', '--older-than', '30d'], { 'older-than': '30d' }],
    [['delete-runs', '--older-than=30d'], { 'older-than': '30d' }],
    [['delete-runs', '--dry-run'], { 'dry-run': 'true' }],
    [['delete-runs', '--dry-run', 'false'], { 'dry-run': 'false' }],
    [['delete-runs', '--dry-run=FALSE'], { 'dry-run': 'FALSE' }],
    [['delete-runs', '--dry-run', '--limit', '5'], { 'dry-run': 'true', limit: '5' }],
    // A value after a boolean is its value; the reader refuses a word that is not a boolean.
    [['delete-runs', '--dry-run', 'yes'], { 'dry-run': 'yes' }],
    [['delete-runs', '--repository', 'a/b', '--repository', 'c/d'], { repository: 'a/b\nc/d' }],
    [['delete-runs', '--repository', 'a/b,c/d'], { repository: 'a/b,c/d' }],
    [['delete-runs', '--log-pattern=-x'], undefined],
    [['rerun-failed', '--log-pattern=-x'], { 'log-pattern': '-x' }],
    [['delete-runs', '--branch', 'main', '--'], { branch: 'main' }]
  ] as Array<[string[], Record<string, string> | undefined]>)('%j', (argv, inputs) => {
    if (inputs === undefined) {
      expect(() => parseCommandLine(argv)).toThrow(UsageError)
      return
    }
    expect(commandOf(argv).inputs).toEqual(inputs)
  })

  it('should take the command line flags of its own', () => {
    const command = commandOf(['cancel-stale', '--json', '--verbose'])
    expect(command).toMatchObject({ operation: 'cancel-stale', json: true, verbose: true })
    expect(parseCommandLine(['--help'])).toEqual({ kind: 'help' })
    expect(parseCommandLine(['-h'])).toEqual({ kind: 'help' })
    expect(parseCommandLine(['--version'])).toEqual({ kind: 'version' })
    expect(parseCommandLine(['delete-caches', '--help'])).toEqual({
      kind: 'operation-help',
      operation: 'delete-caches'
    })
  })

  it('should take every input of every operation as a flag, and no other', () => {
    for (const operation of OPERATIONS) {
      const own = inputsOf(operation)
      for (const name of Object.keys(INPUTS) as InputName[]) {
        if (name === 'operation') continue
        const value = INPUTS[name].type === 'boolean' ? 'false' : 'x'
        const argv = [operation, `--${name}`, value]
        if (own.includes(name)) expect(commandOf(argv).inputs[name]).toBe(value)
        else expect(usageErrorOf(argv)).toContain(`--${name} does not apply to ${operation}`)
      }
    }
  })

  it.each([
    [[], 'name an operation'],
    [['delet-runs'], `'delet-runs' is not an operation. Did you mean 'delete-runs'?`],
    [['--dry-run'], 'name the operation first'],
    [['delete-runs', '--older-than'], '--older-than needs a value'],
    [
      ['delete-runs', '--older-than', '--dry-run'],
      `--older-than needs a value, but '--dry-run' follows it`
    ],
    [['delete-runs', '--dryrun'], 'unknown flag --dryrun. Did you mean --dry-run?'],
    [['delete-runs', '--operation', 'x'], 'The operation is the first argument'],
    [
      ['delete-runs', '--stale-after', '1h'],
      '--stale-after does not apply to delete-runs; it is an input of cancel-stale'
    ],
    [['delete-runs', '--limit', '1', '--limit', '2'], '--limit is given more than once'],
    [['delete-runs', 'extra'], `unexpected argument 'extra'`],
    [['delete-runs', '--json=yes'], '--json takes no value'],
    [
      ['delete-runs', '--generated-values-file', 'x'],
      '--generated-values-file does not apply to delete-runs'
    ]
  ])('%j is a usage error', (argv, message) => {
    expect(usageErrorOf(argv)).toContain(message)
  })

  it('should take --generated-values-file for rotate-secrets', () => {
    const command = commandOf(['rotate-secrets', '--generate', '--generated-values-file', 'v.json'])
    expect(command.generatedValuesFile).toBe('v.json')
  })
})

describe('flagReader', () => {
  it('should give the readers what the flags gave, trimmed like core.getInput', () => {
    const command = commandOf(['rotate-secrets', '--secrets', ' A ', '--value', ' v\n'])
    const read = flagReader(command, 'ghs_token')
    expect(read('operation')).toBe('rotate-secrets')
    expect(read('github-token')).toBe('ghs_token')
    expect(read('secrets')).toBe('A')
    expect(read('value', { trimWhitespace: false })).toBe(' v\n')
    expect(read('scope')).toBe('')
  })

  it('should let the readers apply the definition defaults and validation', () => {
    const command = commandOf([
      'delete-runs',
      '--older-than',
      '7d',
      '--repository',
      'a/b',
      '--repository',
      'c/d'
    ])
    const settings = readSettings(flagReader(command, 'ghs_token'), {})
    expect(settings).toMatchObject({
      operation: 'delete-runs',
      dryRun: false,
      limit: 100,
      repositories: [
        { owner: 'a', repo: 'b' },
        { owner: 'c', repo: 'd' }
      ]
    })
  })
})

describe('describeInputError', () => {
  it.each([
    [
      new InputError(
        'limit',
        `"abc" is not a whole number. Use a number from 1 to 10000, e.g. 'limit: 100'.`
      ),
      `--limit: "abc" is not a whole number. Use a number from 1 to 10000, e.g. '--limit 100'.`
    ],
    [
      new InputError(
        'run-id',
        `names one run, but 'repository' has a pattern; give 'repository: acme/web'.`
      ),
      `--run-id: names one run, but '--repository' has a pattern; give '--repository acme/web'.`
    ],
    // Quoted words that are no input's name stay as they are.
    [
      new InputError('limit', `reason 'limit reached' and 'operation: x'`),
      `--limit: reason 'limit reached' and 'operation: x'`
    ]
  ])('%#: names the flag', (error, message) => {
    expect(describeInputError(error)).toBe(message)
  })

  it('should name the flag in what the readers refuse', () => {
    const command = commandOf(['delete-runs', '--older-than', 'soon', '--repository', 'a/b'])
    let message = ''
    try {
      readSettings(flagReader(command, 'ghs_token'), {})
    } catch (error) {
      message = describeInputError(error as InputError)
    }
    expect(message).toMatch(
      /^--older-than: "soon" is not a duration\. .* e\.g\. '--older-than 30m'/
    )
  })
})
