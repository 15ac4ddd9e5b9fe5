// Renders the inputs and outputs tables of README.md from action.yml, between the
// <!-- inputs:start/end --> and <!-- outputs:start/end --> markers; a pair that is absent is left
// alone (README.md has outputs markers only). `--check` fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

const cell = text =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|')

/** Returns README text with both tables rendered from the action.yml text. */
export function renderTables(readme, actionYml) {
  const action = parse(actionYml)
  const inputs = Object.entries(action.inputs).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? '(required)' : input.default ? `\`${cell(input.default)}\`` : ''} | ${cell(input.description)} |`
  )
  const outputs = Object.entries(action.outputs).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`
  )
  const replace = (text, marker, table) =>
    text.replace(
      new RegExp(`(<!-- ${marker}:start -->\\n)[\\s\\S]*?(<!-- ${marker}:end -->)`),
      `$1${table.join('\n')}\n$2`
    )
  return replace(
    replace(readme, 'inputs', ['| input | default | description |', '|---|---|---|', ...inputs]),
    'outputs',
    ['| output | description |', '|---|---|', ...outputs]
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync('README.md', 'utf8')
  const rendered = renderTables(readme, readFileSync('action.yml', 'utf8'))
  if (process.argv.includes('--check')) {
    if (rendered !== readme) {
      console.error("README.md's inputs/outputs tables differ from action.yml. Run 'npm run docs'.")
      process.exit(1)
    }
  } else {
    writeFileSync('README.md', rendered)
  }
}
