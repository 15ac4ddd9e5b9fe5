// Fails when the committed dist/ is not what the sources build to: users run dist/index.js, not src/.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const out = mkdtempSync(join(tmpdir(), 'actions-ops-dist-'))
try {
  execFileSync('npx', ['ncc', 'build', 'src/index.ts', '-o', out, '--license', 'licenses.txt'], {
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const stale = readdirSync(out).filter(file => {
    try {
      return !readFileSync(join(out, file)).equals(readFileSync(join('dist', file)))
    } catch {
      return true
    }
  })
  // A file the build no longer makes (a leftover chunk) would still ship with the action.
  const built = new Set(readdirSync(out))
  stale.push(...readdirSync('dist').filter(file => !built.has(file)))
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
