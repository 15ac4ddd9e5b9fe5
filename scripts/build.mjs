// Bundles the action with ncc: `node scripts/build.mjs [OUT]` (default dist/). One list of
// bundles, so `npm run build` and the check of dist/ (check-dist.mjs) build the same files.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

/** Entry → folder under OUT. */
export const BUNDLES = [
  // The small entry the runner starts (action.yml's runs.main): it starts the worker.
  ['src/index.ts', ''],
  // The action itself, run in the worker thread.
  ['src/adapters/action/worker.ts', 'action']
]

/** Builds every bundle into `out`. @throws when ncc fails. */
export function build(out) {
  for (const [entry, folder] of BUNDLES) {
    execFileSync(
      'npx',
      ['ncc', 'build', entry, '-o', join(out, folder), '--license', 'licenses.txt'],
      { stdio: ['ignore', 'ignore', 'inherit'] }
    )
  }
}

if (import.meta.url === `file://${process.argv[1]}`) build(process.argv[2] ?? 'dist')
