// Fails when the committed dist/ is not what the sources build to: users run dist/ (the action's
// bundles and the command line's), not src/. Compares the whole tree, subfolders included: a file
// that differs, one the build makes that dist/ lacks, and one dist/ has that the build no longer
// makes (a leftover chunk would still ship).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, digests } from './build.mjs'

const out = mkdtempSync(join(tmpdir(), 'actions-ops-dist-'))
let built
try {
  built = await build(out, { quiet: true })
} finally {
  rmSync(out, { recursive: true, force: true })
}
const committed = digests('dist')
const stale = [
  ...Object.keys(built).filter(file => committed[file] !== built[file]),
  ...Object.keys(committed).filter(file => built[file] === undefined)
]
if (stale.length > 0) {
  console.error(
    `dist/ is stale (${stale.join(', ')} differ from a fresh build, or are not made by it). Run 'npm run build' and commit dist/.`
  )
  process.exit(1)
}
console.log('dist/ matches a fresh build of src/.')
