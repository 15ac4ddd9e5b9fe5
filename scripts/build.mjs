// Builds dist/ with ncc: every bundle the action and the command line run, from one list, so that
// `npm run build` and the check that dist/ is current (check-dist.mjs) build the same files.
// `node scripts/build.mjs [OUT]` writes them to OUT (default dist), emptied first: what the build
// no longer makes does not linger there.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Each bundle: its entry, and the folder of OUT it goes to. */
export const BUNDLES = [
  // The action's entry (action.yml `runs.main`): refuses a bad operation, starts the worker.
  { entry: 'src/index.ts', folder: '.' },
  // The action itself, in the worker thread.
  { entry: 'src/adapters/action/worker.ts', folder: 'action' },
  // The command line (package.json `bin.actions-ops`).
  { entry: 'src/adapters/cli/index.ts', folder: 'cli' }
]

/**
 * Builds every bundle into `out`, at the same time (ncc is mostly one core each; the machines
 * have two or more). Each is built in a folder of its own first: ncc deletes every `.js` file
 * under its output folder, so the root bundle would delete the others'.
 * @param quiet discard ncc's listing of what it wrote (errors still show).
 * @returns the digest of each file built (see {@link digests}).
 */
export async function build(out, { quiet = false } = {}) {
  const parts = mkdtempSync(join(tmpdir(), 'actions-ops-build-'))
  const partOf = folder => join(parts, folder === '.' ? 'root' : folder)
  try {
    await Promise.all(BUNDLES.map(({ entry, folder }) => ncc(entry, partOf(folder), quiet)))
    rmSync(out, { recursive: true, force: true })
    for (const { folder } of BUNDLES) cpSync(partOf(folder), join(out, folder), { recursive: true })
  } finally {
    rmSync(parts, { recursive: true, force: true })
  }
  return digests(out)
}

async function ncc(entry, out, quiet) {
  await new Promise((resolve, reject) => {
    const child = spawn('npx', ['ncc', 'build', entry, '-o', out, '--license', 'licenses.txt'], {
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit']
    })
    child.on('error', reject)
    child.on('exit', code =>
      code === 0 ? resolve() : reject(new Error(`ncc build ${entry} exited with ${code}`))
    )
  })
}

/** Every file under `dir`, as sorted paths relative to it. */
export function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => relative(dir, join(entry.parentPath ?? entry.path, entry.name)))
    .sort()
}

const sha256 = data => createHash('sha256').update(data).digest('hex')

/** The digest of each file under `dir`, by its path relative to `dir`. */
export function digests(dir) {
  return Object.fromEntries(
    filesUnder(dir).map(file => [file, sha256(readFileSync(join(dir, file)))])
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build(process.argv[2] ?? 'dist')
}
