/**
 * What both front doors say about an invocation's results, in the same words: the outputs' values
 * (the action's `result`, `count`, `run-ids`; the command line's `--json`), the counts per outcome,
 * the closing totals line and the message that names the failed targets.
 */
import type { RequestCounter } from '../boundary/client.js'
import type { Outcome, TargetResult } from '../boundary/outcomes.js'
import type { Settings } from '../operations/settings.js'
import { formatBytes } from '../rules/retention.js'

export const OUTCOME_ORDER: readonly Outcome[] = ['done', 'planned', 'skipped', 'failed']

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

/** `2 done, 1 skipped` (only the outcomes that occur; '' for none). */
export function describeCounts(counts: Record<Outcome, number>): string {
  return OUTCOME_ORDER.filter(outcome => counts[outcome] > 0)
    .map(outcome => `${counts[outcome]} ${outcome}`)
    .join(', ')
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
 * The closing line, e.g. `delete-artifacts (dry run): 2 planned, 1 skipped; bytes to free: 1.5 GiB
 * (1610612736 bytes); 4 API requests (0 writes)`.
 */
export function totalsLine(
  settings: Pick<Settings, 'operation' | 'dryRun'>,
  results: readonly TargetResult[],
  counter: Pick<RequestCounter, 'total' | 'writes' | 'notModified'>,
  extraOutputs: Record<string, string>
): string {
  const counts = describeCounts(tally(results)) || 'nothing to do'
  const bytes = bytesFreedLine(extraOutputs, settings.dryRun)
  // A 304 is a request, but GitHub does not count it against the primary rate limit.
  const notModified =
    counter.notModified > 0
      ? `, ${counter.notModified} answered 304 Not Modified, which cost no rate-limit point`
      : ''
  return `${settings.operation}${settings.dryRun ? ' (dry run)' : ''}: ${counts}${bytes ? `; ${bytes}` : ''}; ${counter.total} API requests (${counter.writes} writes${notModified})`
}

/** The failure of an invocation with failed targets, naming them; undefined when none failed. */
export function failedTargetsMessage(results: readonly TargetResult[]): string | undefined {
  const failed = results.filter(result => result.outcome === 'failed')
  if (failed.length === 0) return undefined
  const names = failed.map(
    // A secret's store tells apart its copies in one repository (`acme/web dependabot secret X`).
    result =>
      `${result.repository} ${result.app ? `${result.app} ` : ''}${result.kind} ${result.id}: ${result.reason}`
  )
  return `${failed.length} target(s) failed:\n${names.join('\n')}`
}
