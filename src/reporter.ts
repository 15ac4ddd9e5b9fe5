/**
 * The one reporter: writes the outputs (`result`, `count`, `run-ids`), the job summary table and,
 * with `fail-on-error`, fails the step naming the failed targets.
 */
import * as core from '@actions/core'
import type { RequestCounter } from './client.js'
import type { Outcome, TargetResult } from './outcomes.js'
import { formatBytes } from './rules/retention.js'
import { SECRET_APP_NAMES } from './rules/secret-writes.js'
import type { SecretApp, Settings } from './settings.js'

const OUTCOME_ORDER: Outcome[] = ['done', 'planned', 'skipped', 'failed']

/** The values of the outputs, derived from the results (pure, for tests). */
export function outputsFor(
  results: readonly TargetResult[],
  dryRun: boolean
): { result: string; count: number; runIds: string } {
  const acted = results.filter(result => result.outcome === (dryRun ? 'planned' : 'done'))
  const runIds = acted.filter(result => result.kind === 'run').map(result => String(result.id))
  return {
    result: JSON.stringify(results),
    count: acted.length,
    runIds: [...new Set(runIds)].join(',')
  }
}

/** Counts per outcome, e.g. `{ done: 3, skipped: 1 }`. */
export function tally(results: readonly TargetResult[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { done: 0, planned: 0, skipped: 0, failed: 0 }
  for (const result of results) counts[result.outcome] += 1
  return counts
}

/**
 * The line on bytes freed, when the operation reports them (`bytes-freed`, a count of bytes):
 * e.g. `bytes freed: 1.2 GiB (1288490189 bytes)`, or `bytes to free` in a dry run.
 */
export function bytesFreedLine(
  extraOutputs: Record<string, string>,
  dryRun: boolean
): string | undefined {
  const raw = extraOutputs['bytes-freed']
  if (raw === undefined) return undefined
  const bytes = Number(raw)
  return `${dryRun ? 'bytes to free' : 'bytes freed'}: ${formatBytes(bytes)} (${bytes} bytes)`
}

/**
 * Publishes the results: outputs, job summary (`GITHUB_STEP_SUMMARY`), a closing log line with the
 * number of API requests, and the step's failure when `fail-on-error` is set and a target failed.
 * `extraOutputs` carries operation-specific outputs (e.g. `generated-values`, `bytes-freed`),
 * already masked; bytes freed are also shown in human units in the log and the summary.
 */
export async function publish(
  settings: Settings,
  results: readonly TargetResult[],
  counter: RequestCounter,
  extraOutputs: Record<string, string> = {}
): Promise<void> {
  const outputs = outputsFor(results, settings.dryRun)
  core.setOutput('result', outputs.result)
  core.setOutput('count', outputs.count)
  core.setOutput('run-ids', outputs.runIds)
  for (const [name, value] of Object.entries(extraOutputs)) core.setOutput(name, value)

  const counts = tally(results)
  const line = OUTCOME_ORDER.filter(outcome => counts[outcome] > 0)
    .map(outcome => `${counts[outcome]} ${outcome}`)
    .join(', ')
  const bytes = bytesFreedLine(extraOutputs, settings.dryRun)
  core.info(
    `${settings.operation}${settings.dryRun ? ' (dry run)' : ''}: ${line || 'nothing to do'}${bytes ? `; ${bytes}` : ''}; ${counter.total} API requests (${counter.writes} writes)`
  )
  await writeSummary(settings, results, counts, counter, bytes)

  const failed = results.filter(result => result.outcome === 'failed')
  if (failed.length > 0 && settings.failOnError) {
    const names = failed.map(
      // A secret's store tells apart its copies in one repository (`acme/web dependabot secret X`).
      result =>
        `${result.repository} ${result.app ? `${result.app} ` : ''}${result.kind} ${result.id}: ${result.reason}`
    )
    core.setFailed(`${failed.length} target(s) failed:\n${names.join('\n')}`)
  }
}

async function writeSummary(
  settings: Settings,
  results: readonly TargetResult[],
  counts: Record<Outcome, number>,
  counter: RequestCounter,
  bytes: string | undefined
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const title = `actions-ops ${settings.operation}${settings.dryRun ? ' (dry run: nothing was changed)' : ''}`
  const totals = OUTCOME_ORDER.map(outcome => `${outcome}: ${counts[outcome]}`).join(' · ')
  const summary = core.summary
    .addHeading(title, 2)
    .addRaw(`${totals}${bytes ? ` · ${bytes}` : ''} · API requests: ${counter.total}`, true)
  if (results.length === 0) {
    summary.addRaw('\nNo targets matched.', true)
  }
  for (const group of summaryGroups(results)) {
    if (group.heading) summary.addHeading(group.heading, 3)
    summary.addTable([
      [
        { data: 'Repository', header: true },
        { data: 'Target', header: true },
        { data: 'Action', header: true },
        { data: 'Outcome', header: true },
        { data: 'Reason', header: true }
      ],
      ...group.results.map(result => [
        escapeHtml(result.repository),
        result.url
          ? `<a href="${escapeHtml(result.url)}">${escapeHtml(String(result.id))}</a>`
          : escapeHtml(String(result.id)),
        escapeHtml(result.action),
        result.outcome,
        escapeHtml(result.reason)
      ])
    ])
  }
  await summary.write()
}

/**
 * The tables of the job summary: results that name a secret store (`app`) grouped by store, in
 * the order the stores first appear, each under a heading such as `Dependabot secrets`; results
 * without a store, together, without a heading. Order within a group is kept.
 */
export function summaryGroups(
  results: readonly TargetResult[]
): { heading?: string; results: TargetResult[] }[] {
  const groups = new Map<SecretApp | undefined, TargetResult[]>()
  for (const result of results) {
    const group = groups.get(result.app) ?? []
    group.push(result)
    groups.set(result.app, group)
  }
  return [...groups].map(([app, members]) =>
    app === undefined
      ? { results: members }
      : { heading: `${SECRET_APP_NAMES[app]} secrets`, results: members }
  )
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    char => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char
  )
}
