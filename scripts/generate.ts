/**
 * Writes every file generated from the one definition of the inputs (see scripts/lib/action-files.ts):
 * `npm run generate`. With `--check`, writes nothing and fails when a file differs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { renderAll } from './lib/action-files.js'

const read = (path: string): string => (existsSync(path) ? readFileSync(path, 'utf8') : '')
const check = process.argv.includes('--check')
const drifted: string[] = []
for (const [path, content] of renderAll(read)) {
  if (read(path) === content) continue
  drifted.push(path)
  if (!check) {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, content)
  }
}
if (check && drifted.length > 0) {
  console.error(
    `These files differ from src/inputs/definition.ts: ${drifted.join(', ')}. Run 'npm run generate'.`
  )
  process.exit(1)
}
console.log(drifted.length === 0 ? 'Generated files are current.' : `Wrote ${drifted.join(', ')}.`)
