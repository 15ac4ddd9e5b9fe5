// Fails when the committed dist/ is not what the sources build to: users run dist/, not src/.
// Builds every bundle `npm run build` builds into a temporary folder and compares file by file,
// subfolders included.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from './build.mjs'

/** Every file under `root`, as paths relative to it. */
function filesUnder(root, under = '') {
  return readdirSync(join(root, under), { withFileTypes: true }).flatMap(entry => {
    const path = under === '' ? entry.name : `${under}/${entry.name}`
    return entry.isDirectory() ? filesUnder(root, path) : [path]
  })
}

const out = mkdtempSync(join(tmpdir(), 'actions-ops-dist-'))
try {
  build(out)
  const built = filesUnder(out)
  const stale = built.filter(file => {
    try {
      return !readFileSync(join(out, file)).equals(readFileSync(join('dist', file)))
    } catch {
      return true
    }
  })
  // A file the build no longer makes (a leftover chunk) would still ship with the action.
  const made = new Set(built)
  stale.push(...filesUnder('dist').filter(file => !made.has(file)))
  if (stale.length > 0) {
    console.error(
      `dist/ is stale (${stale.join(', ')} differ from a fresh build, or are not made by it). Run 'npm run build' and commit dist/.`
    )
    process.exit(1)
  }
  console.log('dist/ matches a fresh build of src/.')
} finally {
  rmSync(out, { recursive: true, force: true })
}
