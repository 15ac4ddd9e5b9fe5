// Fails when the committed dist/ is not what the sources build to: users run dist/index.js, not src/.
// It builds every entry that `npm run build` builds (each `ncc build ENTRY -o dist…` of that script,
// e.g. the worker's bundle in dist/action/) into a temporary directory, and compares the trees.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'

const script = JSON.parse(readFileSync('package.json', 'utf8')).scripts.build
const entries = [...script.matchAll(/ncc build (\S+) -o (dist(?:\/\S+)?)/g)].map(
  ([, entry, dir]) => ({ entry, dir: relative('dist', dir) })
)
if (entries.length === 0) {
  console.error(`package.json's build script names no 'ncc build ENTRY -o dist…': ${script}`)
  process.exit(1)
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath, entry.name)))
}

const out = mkdtempSync(join(tmpdir(), 'actions-ops-dist-'))
try {
  // The entries side by side: each build spends much of its time on one core.
  await Promise.all(
    entries.map(({ entry, dir }) =>
      promisify(execFile)('npx', [
        'ncc',
        'build',
        entry,
        '-o',
        join(out, dir),
        '--license',
        'licenses.txt'
      ])
    )
  )
  const stale = filesUnder(out).filter(file => {
    try {
      return !readFileSync(join(out, file)).equals(readFileSync(join('dist', file)))
    } catch {
      return true
    }
  })
  // A file the build no longer makes (a leftover chunk) would still ship with the action.
  const built = new Set(filesUnder(out))
  stale.push(...filesUnder('dist').filter(file => !built.has(file)))
  if (stale.length > 0) {
    console.error(
      `dist/ is stale (${stale.join(', ')} differ from a fresh build, or are not made by it). Run 'npm run build' and commit dist/.`
    )
    process.exitCode = 1
  } else {
    console.log('dist/ matches a fresh build of src/.')
  }
} finally {
  rmSync(out, { recursive: true, force: true })
}
