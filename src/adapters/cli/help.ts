/**
 * `--help`, written from the one definition: the operations with their summaries, and for one
 * operation exactly the inputs of its sub-action, with their defaults and descriptions. A secret
 * input's default is never shown.
 */
import {
  INPUTS,
  inputsOf,
  isExpression,
  OPERATION_SUMMARIES,
  OPERATIONS,
  type InputDefinition,
  type InputName,
  type OperationName
} from '../../inputs/definition.js'
import { CLI_FLAGS, flagOf, type CliFlag } from './flags.js'

const WIDTH = 100
const INDENT = '      '

/** `text` wrapped at {@link WIDTH} columns, every line indented by `indent`. */
function wrap(text: string, indent: string): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(line)
      line = word
    } else line = line === '' ? word : `${line} ${word}`
  }
  if (line !== '') lines.push(line)
  return lines.map(each => `${indent}${each}`).join('\n')
}

/** What the command line uses when an input whose action default is a runner expression is not given. */
const DISCOVERED: Partial<Record<InputName, string>> = {
  'github-token': 'GH_TOKEN, else GITHUB_TOKEN, else `gh auth token`',
  repository: 'GITHUB_REPOSITORY, else the origin remote of the git repository here'
}

/** How an input's flag takes its value: `--dry-run [true|false]`, `--limit N`, a list repeated. */
function usageOf(name: InputName, definition: InputDefinition): string {
  switch (definition.type) {
    case 'boolean':
      return `${flagOf(name)} [true|false]`
    case 'list':
      return `${flagOf(name)} VALUE[,VALUE…] (repeatable)`
    case 'integer':
      return `${flagOf(name)} N`
    case 'duration':
      return `${flagOf(name)} DURATION`
    default:
      return `${flagOf(name)} VALUE`
  }
}

/** The default to show: where the command line looks for it, or the definition's; never a secret's. */
function defaultShown(name: InputName, definition: InputDefinition): string | undefined {
  const discovered = DISCOVERED[name]
  if (discovered !== undefined) return discovered
  const written = definition.default
  if (definition.secret || written === undefined || isExpression(written)) return undefined
  const items = written
    .split('\n')
    .map(item => item.trim())
    .filter(Boolean)
  return items.length === 0 ? undefined : items.join(', ')
}

function cliFlagLines(operation: OperationName | undefined): string[] {
  return Object.entries(CLI_FLAGS)
    .filter(([, flag]: [string, CliFlag]) =>
      operation === undefined
        ? flag.operations === undefined
        : flag.operations === undefined || flag.operations.includes(operation)
    )
    .map(([name, flag]: [string, CliFlag]) => {
      const usage = `${flag.short ? `-${flag.short}, ` : ''}${flagOf(name)}${flag.value ? ` ${flag.value}` : ''}`
      return `  ${usage}\n${wrap(flag.description, INDENT)}`
    })
}

const DISCOVERY = `Token: --github-token, else GH_TOKEN, else GITHUB_TOKEN, else \`gh auth token\` (for GH_HOST's host).
API: GITHUB_API_URL, else GH_HOST (https://HOST/api/v3), else https://api.github.com.
Repository: --repository, else GITHUB_REPOSITORY, else the origin remote of the git repository here.
Exit status: 0 success; 1 a bad value, failed targets (with fail-on-error) or a failed run;
2 a usage error (unknown operation or flag, a flag without its value, no token found).`

/** `actions-ops --help`. */
export function generalHelp(version: string): string {
  const operations = OPERATIONS.map(
    operation => `  ${operation}\n${wrap(OPERATION_SUMMARIES[operation], INDENT)}`
  )
  return `actions-ops ${version}: keep GitHub Actions healthy across repositories, from a terminal.

Usage: actions-ops OPERATION [--INPUT VALUE]... [--dry-run] [--json]
       actions-ops OPERATION --help
       actions-ops --version

Operations:
${operations.join('\n')}

Every input of the action is a flag of the same name; 'actions-ops OPERATION --help' lists those of
one operation.

Options:
${cliFlagLines(undefined).join('\n')}

${DISCOVERY}
`
}

/** `actions-ops OPERATION --help`: the sub-action's inputs, then the command line's own flags. */
export function operationHelp(operation: OperationName): string {
  const inputs = inputsOf(operation).map(name => {
    const definition: InputDefinition = INPUTS[name]
    const shown = defaultShown(name, definition)
    const required = definition.required ? ' (required)' : ''
    const text = `${definition.description}${shown === undefined ? '' : ` Default: ${shown}.`}`
    return `  ${usageOf(name, definition)}${required}\n${wrap(text, INDENT)}`
  })
  return `actions-ops ${operation}: ${OPERATION_SUMMARIES[operation]}

Usage: actions-ops ${operation} [--INPUT VALUE]... [--json]

Inputs (those of the ${operation} sub-action):
${inputs.join('\n')}

Command line:
${cliFlagLines(operation).join('\n')}

${DISCOVERY}
`
}
