/**
 * `npm run demo`: starts the GitHub API simulator with the built-in scenario and runs each
 * operation through dist/index.js, first as a dry run, then for real, printing the job summary (its
 * heading and totals, then its rows), the outputs and the number of API requests.
 */
import { demoScenario, rebaseScenario, startSimulator } from '../simulator/index.js'
import { DEMO_STEPS } from './demo/steps.js'
import { runBundle, type ActionRun } from './lib/runner.js'

function table(run: ActionRun): string {
  if (run.result.length === 0) return '  (no targets)'
  const rows = run.result.map(r => [r.repository, String(r.id), r.action, r.outcome, r.reason])
  const widths = [0, 1, 2, 3].map(column =>
    Math.max(...rows.map(row => (row[column] ?? '').length))
  )
  const shown = rows
    .slice(0, 25)
    .map(
      row => '  ' + row.map((cell, i) => (i < 4 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  ')
    )
  if (rows.length > shown.length) shown.push(`  … and ${rows.length - shown.length} more`)
  return shown.join('\n')
}

/** The job summary's heading and totals as text; its table holds the rows printed below it. */
function summaryHead(run: ActionRun): string {
  return run.summary
    .replace(/<table>[\s\S]*?<\/table>/g, '')
    .replace(/<[^>]+>/g, '')
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '')
    .map(line => `  ${line}`)
    .join('\n')
}

function tally(run: ActionRun): string {
  const counts = new Map<string, number>()
  for (const r of run.result) counts.set(r.outcome, (counts.get(r.outcome) ?? 0) + 1)
  return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ') || 'nothing to do'
}

// The scenario's clock is moved to now: the action judges ages by the real clock.
const base = rebaseScenario(demoScenario())
const token = Object.entries(base.tokens).find(([, t]) => t.kind === 'github-token')?.[0] ?? ''
for (const step of DEMO_STEPS) {
  const scenario = structuredClone(base)
  step.prepare?.(scenario)
  const simulator = await startSimulator({ scenario })
  try {
    console.log(`\n=== ${step.operation}: ${step.title}`)
    for (const dryRun of [true, false]) {
      const before = simulator.requests.length
      const run = await runBundle({
        apiUrl: simulator.url,
        token: step.token ?? token,
        with: { operation: step.operation, ...step.with, 'dry-run': String(dryRun) },
        ...(step.event && { event: step.event })
      })
      const sent = simulator.requests.slice(before)
      const writes = sent.filter(r => r.method !== 'GET').length
      console.log(
        `\n--- ${dryRun ? 'dry run' : 'real run'}: exit ${run.exitCode}, ${tally(run)}, ${sent.length} API requests (${writes} writes)`
      )
      console.log(`  job summary:\n${summaryHead(run)}`)
      console.log(table(run))
      console.log(
        `  outputs: count=${run.outputs.count ?? ''} run-ids=${(run.outputs['run-ids'] ?? '').slice(0, 80)}${(run.outputs['run-ids'] ?? '').length > 80 ? '…' : ''}`
      )
      const failure = run.stdout.split('\n').find(line => line.startsWith('::error::'))
      if (failure) console.log(`  ${failure}`)
    }
    if (step.describe) console.log(`  simulator: ${step.describe(simulator)}`)
    if (simulator.violations.length > 0) {
      console.log(`  OpenAPI violations: ${JSON.stringify(simulator.violations)}`)
      process.exitCode = 1
    }
  } finally {
    await simulator.close()
  }
}
