/**
 * Regenerates `simulator/scenarios/demo.json`, the demo scenario: `tsx simulator/make-demo-scenario.ts`.
 * The output is formatted with the project's Prettier config so `prettier --check` stays clean.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { format, resolveConfig } from 'prettier'
import { generateScenario } from './generate.js'

const target = fileURLToPath(new URL('./scenarios/demo.json', import.meta.url))
const scenario = generateScenario({ seed: 2026, repositories: 2, runsPerRepository: 150 })
// Make sure the demo shows the awkward cases even where the dice did not produce them: a run
// that ignores cancel (an always() job) and one that finishes between listing and cancelling.
for (const repo of scenario.repositories) {
  const active = repo.runs.filter(run => run.status === 'in_progress')
  const [stuck, finishing] = active
  if (stuck) stuck.on_cancel = 'ignore'
  if (finishing) finishing.completes_after_listed = true
}
const config = (await resolveConfig(target)) ?? {}
writeFileSync(target, await format(JSON.stringify(scenario), { ...config, parser: 'json' }))
const runs = scenario.repositories.map(r => `${r.owner}/${r.name}: ${r.runs.length} runs`)
console.log(`Wrote ${target} (${runs.join(', ')})`)
