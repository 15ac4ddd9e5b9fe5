/**
 * Renders every file that repeats the one definition of the inputs (src/inputs/definition.ts):
 * the top-level `action.yml`, each operation's sub-action (`<operation>/action.yml` and the entry
 * its `runs.main` names), and the input and output tables of the READMEs (between
 * `<!-- NAME:start -->` and `<!-- NAME:end -->` markers). Pure: it takes the current README texts
 * and returns what every file must hold; `scripts/generate.ts` writes them, a test compares them.
 */
import { Document, isMap, isPair, isScalar, Scalar, type Pair } from 'yaml'
import {
  INPUTS,
  inputsOf,
  OPERATION_SUMMARIES,
  OPERATIONS,
  OUTPUTS,
  outputsOf,
  type InputName,
  type OperationName,
  type OutputName
} from '../../src/inputs/definition.js'

/** Where the files live, relative to the repository root. */
export const ACTION_YML = 'action.yml'
export const README = 'README.md'
export const subActionYml = (operation: OperationName): string => `${operation}/action.yml`
export const subActionEntry = (operation: OperationName): string => `${operation}/main.mjs`
export const subActionReadme = (operation: OperationName): string => `${operation}/README.md`

const DESCRIPTION =
  'Keep GitHub Actions healthy: re-run failed jobs with guards, cancel stale runs, approve safe fork runs, review pending deployments, rotate Actions, Dependabot and Codespaces secrets, delete old runs, artifacts and caches, in one repository or across an organization.'

const HEADER = (what: string): string =>
  `# ${what}, generated from src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.\n`

/** The top-level action: every input, `operation` first. */
export function renderActionYml(): string {
  return renderAction({
    name: 'actions-ops',
    description: DESCRIPTION,
    inputs: Object.keys(INPUTS) as InputName[],
    outputs: Object.keys(OUTPUTS) as OutputName[],
    main: 'dist/index.js',
    groupComments: true
  })
}

/** One operation's sub-action: its inputs and outputs only, no `operation`. */
export function renderSubActionYml(operation: OperationName): string {
  return renderAction({
    name: `actions-ops ${operation}`,
    description: OPERATION_SUMMARIES[operation],
    inputs: inputsOf(operation),
    outputs: outputsOf(operation),
    main: 'main.mjs',
    groupComments: false
  })
}

/**
 * The sub-action's entry. GitHub's runner tells a JavaScript action no path of its own, so the
 * entry names the operation and loads the one bundle.
 */
export function renderSubActionEntry(operation: OperationName): string {
  return [
    `// The ${operation} sub-action: the action's one bundle, run as ${operation}. Generated from`,
    `// src/inputs/definition.ts by 'npm run generate'; edit that file, not this one.`,
    `globalThis[Symbol.for('actions-ops.operation')] = '${operation}'`,
    `await import('../dist/index.js')`,
    ''
  ].join('\n')
}

interface ActionShape {
  name: string
  description: string
  inputs: readonly InputName[]
  outputs: readonly OutputName[]
  main: string
  /** Comments naming the operation above its first input (the top-level action's layout). */
  groupComments: boolean
}

function renderAction(shape: ActionShape): string {
  const inputs = Object.fromEntries(
    shape.inputs.map(name => {
      const input: { description: string; default?: string; required?: boolean } = INPUTS[name]
      return [
        name,
        {
          description: input.description,
          ...(input.required ? { required: true } : { default: input.default ?? '' })
        }
      ]
    })
  )
  const outputs = Object.fromEntries(
    shape.outputs.map(name => [name, { description: OUTPUTS[name].description }])
  )
  const document = new Document({
    name: shape.name,
    description: shape.description,
    author: 'actions-ops',
    branding: { icon: 'activity', color: 'green' },
    inputs,
    outputs,
    runs: { using: 'node24', main: shape.main }
  })
  const top = document.contents
  for (const pair of isMap(top) ? top.items : []) {
    if (!isPair(pair) || !isScalar(pair.key)) continue
    const key = String(pair.key.value)
    if (['inputs', 'outputs', 'runs'].includes(key)) pair.key.spaceBefore = true
    if (key === 'description' && isScalar(pair.value)) pair.value.type = Scalar.BLOCK_FOLDED
  }
  for (const section of ['inputs', 'outputs'] as const) {
    const map = document.get(section)
    if (!isMap(map)) continue
    let group: string | undefined
    for (const pair of map.items as Pair<Scalar, unknown>[]) {
      styleEntry(pair)
      if (!shape.groupComments || section !== 'inputs') continue
      const name = String(pair.key.value) as InputName
      const owner = isCommon(name) ? undefined : groupOf(name)
      if (owner !== group && owner !== undefined) {
        pair.key.spaceBefore = true
        pair.key.commentBefore = ` ${owner}`
      }
      group = owner ?? group
    }
  }
  return `${HEADER('The action')}${document.toString({ lineWidth: 100, minContentWidth: 40, singleQuote: true })}`
}

/** Long descriptions folded (`>-`), multi-line defaults literal (`|`). */
function styleEntry(pair: Pair<Scalar, unknown>): void {
  const entry = pair.value
  if (!isMap(entry)) return
  for (const field of entry.items as Pair<Scalar, unknown>[]) {
    if (!isScalar(field.value) || typeof field.value.value !== 'string') continue
    const text = field.value.value
    // `    description: ` takes 17 columns of the 100 a line may have.
    if (String(field.key.value) === 'description' && text.length > 100 - 17) {
      field.value.type = Scalar.BLOCK_FOLDED
    } else if (text.includes('\n')) {
      field.value.type = Scalar.BLOCK_LITERAL
    }
  }
}

/** The heading an operation-specific input is listed under in the top-level action.yml. */
function groupOf(name: InputName): string {
  const operations = INPUTS[name].operations as readonly OperationName[]
  const cleanUp: readonly OperationName[] = ['delete-runs', 'delete-artifacts', 'delete-caches']
  if (name === 'older-than' || operations.every(operation => cleanUp.includes(operation))) {
    return 'delete-runs, delete-artifacts, delete-caches'
  }
  return operations[0] ?? ''
}

/** A table cell: one line, `|` escaped, `*` too (two of them in a cell would set text in italics). */
const cell = (text: string): string => text.replace(/\s+/g, ' ').trim().replace(/[|*]/g, '\\$&')

/** A markdown table of inputs: name, default (or "(required)"), description. */
export function inputsTable(names: readonly InputName[]): string {
  const rows = names.map(name => {
    const input: { description: string; default?: string; required?: boolean } = INPUTS[name]
    const value = input.required
      ? '(required)'
      : input.default
        ? `\`${cell(input.default).replace(/ /g, ' ')}\``
        : ''
    return `| \`${name}\` | ${value} | ${cell(input.description)} |`
  })
  return ['| input | default | description |', '| --- | --- | --- |', ...rows].join('\n')
}

/** A markdown table of outputs: name, description. */
export function outputsTable(names: readonly OutputName[]): string {
  const rows = names.map(name => `| \`${name}\` | ${cell(OUTPUTS[name].description)} |`)
  return ['| output | description |', '| --- | --- |', ...rows].join('\n')
}

/** The inputs every operation takes (and `operation`, the top-level action's). */
export function commonInputs(): InputName[] {
  return (Object.keys(INPUTS) as InputName[]).filter(name => {
    const operations = INPUTS[name].operations
    return operations === 'all' || operations.length === 0
  })
}

/** Inputs of most operations (the run filters) are listed with the common ones, not under one. */
function isCommon(name: InputName): boolean {
  const operations = INPUTS[name].operations
  return operations === 'all' || operations.length === 0 || operations.length >= 4
}

/**
 * Replaces what stands between `<!-- marker:start -->` and `<!-- marker:end -->` with `table`.
 * @throws Error when the text has no such markers (a README lost its table).
 */
export function fillMarkers(text: string, marker: string, table: string, file: string): string {
  const pattern = new RegExp(`(<!-- ${marker}:start -->\\n)[\\s\\S]*?(<!-- ${marker}:end -->)`)
  if (!pattern.test(text)) {
    throw new Error(`${file} has no <!-- ${marker}:start --> … <!-- ${marker}:end --> markers.`)
  }
  return text.replace(pattern, (_, start: string, end: string) => `${start}${table}\n${end}`)
}

/**
 * Every generated file and what it must hold.
 * @param readFile reads a README's current text (repository-relative path).
 * @returns path → content, for action.yml, every sub-action and every README with tables.
 */
export function renderAll(readFile: (path: string) => string): Map<string, string> {
  const files = new Map<string, string>()
  files.set(ACTION_YML, renderActionYml())
  let readme = readFile(README)
  readme = fillMarkers(readme, 'common-inputs', inputsTable(commonInputs()), README)
  readme = fillMarkers(
    readme,
    'outputs',
    outputsTable(Object.keys(OUTPUTS) as OutputName[]),
    README
  )
  files.set(README, readme)
  for (const operation of OPERATIONS) {
    files.set(subActionYml(operation), renderSubActionYml(operation))
    files.set(subActionEntry(operation), renderSubActionEntry(operation))
    const path = subActionReadme(operation)
    let page = readFile(path)
    page = fillMarkers(page, 'inputs', inputsTable(inputsOf(operation)), path)
    page = fillMarkers(page, 'outputs', outputsTable(outputsOf(operation)), path)
    files.set(path, page)
  }
  return files
}
