// Fails when the committed dist/ is not what the sources build to: users run dist/index.js, not src/.
// Builds what `npm run build` builds: the entry (dist/) and the action it starts (dist/action/).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const BUILDS = [
  ['src/index.ts', ''],
  ['src/adapters/action/worker.ts', 'action']
]

/** Every file under `root`, as paths relative to it. */
function filesUnder(root, under = '') {
  return readdirSync(join(root, under), { withFileTypes: true }).flatMap(entry => {
    const path = under === '' ? entry.name : `${under}/${entry.name}`
    return entry.isDirectory() ? filesUnder(root, path) : [path]
  })
}

const out = mkdtempSync(join(tmpdir(), 'actions-ops-dist-'))
try {
  for (const [entry, folder] of BUILDS) {
    execFileSync(
      'npx',
      ['ncc', 'build', entry, '-o', join(out, folder), '--license', 'licenses.txt'],
      {
        stdio: ['ignore', 'ignore', 'inherit']
      }
    )
  }
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
