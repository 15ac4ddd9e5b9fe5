/**
 * The one reporter: writes the outputs (`result`, `count`, `run-ids`), the job summary (one table
 * for one repository; for several, how many were processed and a line with the counts and a
 * table per repository with targets, collapsed when there are many) and, with `fail-on-error`,
 * fails the step naming the failed targets.
 */
import * as core from '@actions/core'
import type { RequestCounter } from '../../boundary/client.js'
import type { Outcome, TargetResult } from '../../boundary/outcomes.js'
import { SECRET_APP_NAMES } from '../../operations/rotate-secrets/rules.js'
import { readsPerRepository } from '../../operations/sweep-cost.js'
import type { RepositoryRef, SecretApp } from '../../settings.js'
import type { Settings } from '../../operations/settings.js'
import {
  bytesFreedLine,
  describeCounts,
  failedTargetsMessage,
  OUTCOME_ORDER,
  outputsFor,
  tally,
  totalsLine
} from '../tally.js'

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

  core.info(totalsLine(settings, results, counter, extraOutputs))
  const counts = tally(results)
  await writeSummary(
    settings,
    results,
    counts,
    counter,
    bytesFreedLine(extraOutputs, settings.dryRun)
  )

  const failed = failedTargetsMessage(results)
  if (failed !== undefined && settings.failOnError) core.setFailed(failed)
}

/** Repositories with targets past this many get their tables collapsed (`<details>`). */
const OPEN_TABLES_UP_TO = 10
/** Names of repositories with nothing to do listed at most (GitHub caps a step's summary at 1 MiB). */
const QUIET_NAMES_UP_TO = 1000
/**
 * Characters of per-repository tables a summary holds at most; the repositories past it get
 * their line only (GitHub drops a step summary over 1 MiB whole). The `result` output has them all.
 */
const TABLES_UP_TO_CHARS = 600_000
/** Lines of repositories past the tables' budget listed at most. */
const LINES_UP_TO = 2000

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
    .addRaw(
      `${totals}${bytes ? ` · ${bytes}` : ''} · API requests: ${counter.total}${counter.notModified > 0 ? ` (${counter.notModified} answered 304 Not Modified)` : ''}`,
      true
    )
  const groups = groupByRepository(settings.repositories, results)
  const named = settings.repositoryEntries.every(entry => entry.kind === 'named')
  // One repository, or work that visits none (organization secrets, a protection rule's answer):
  // one table per secret store (one table for everything else), as it has always read.
  if ((settings.repositories.length <= 1 && named) || readsPerRepository(settings) === 0) {
    if (results.length === 0) summary.addRaw('\nNo targets matched.', true)
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
          targetCell(result),
          escapeHtml(result.action),
          result.outcome,
          escapeHtml(result.reason)
        ])
      ])
    }
    await summary.write()
    return
  }
  const withTargets = groups.filter(group => group.results.length > 0)
  const quiet = groups.filter(group => group.results.length === 0)
  summary.addRaw(
    `\n**${settings.repositories.length} ${settings.repositories.length === 1 ? 'repository' : 'repositories'} processed**: ${withTargets.length} with targets, ${quiet.length} with nothing to do.`,
    true
  )
  const collapse = withTargets.length > OPEN_TABLES_UP_TO
  let budget = TABLES_UP_TO_CHARS
  const untabled: string[] = []
  // Secrets of several stores: a section per store, its repositories within.
  for (const store of summaryGroups(results)) {
    if (store.heading) summary.addHeading(store.heading, 3)
    for (const group of groupByRepository([], store.results)) {
      const line = `${escapeHtml(group.repository)}: ${describeCounts(tally(group.results))}`
      const table = untabled.length === 0 ? targetTable(group.results) : ''
      if (untabled.length > 0 || table.length > budget) {
        untabled.push(line)
        continue
      }
      budget -= table.length
      if (collapse) summary.addDetails(line, `\n\n${table}\n`)
      else summary.addHeading(line, store.heading ? 4 : 3).addRaw(table, true)
    }
  }
  if (untabled.length > 0) {
    const shown = untabled.slice(0, LINES_UP_TO)
    const more = untabled.length - shown.length
    summary.addDetails(
      `${untabled.length} more repositories with targets (their tables would pass the summary's size limit; the \`result\` output has every target)`,
      `\n\n${shown.map(line => `- ${line}`).join('\n')}${more > 0 ? `\n- and ${more} more` : ''}\n`
    )
  }
  if (quiet.length > 0) {
    const names = quiet.slice(0, QUIET_NAMES_UP_TO).map(group => escapeHtml(group.repository))
    const more = quiet.length - names.length
    const list = `${names.join(', ')}${more > 0 ? `, and ${more} more` : ''}`
    const label = `${quiet.length} ${quiet.length === 1 ? 'repository' : 'repositories'} with nothing to do`
    if (quiet.length > OPEN_TABLES_UP_TO) summary.addDetails(label, `\n\n${list}\n`)
    else summary.addRaw(`\n${label}: ${list}`, true)
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

/** The results of one repository (or organization, or unresolved entry), in first-seen order. */
interface RepositoryGroup {
  repository: string
  results: TargetResult[]
}

/**
 * Groups results by their `repository`: every processed repository in order (those without a
 * result too, with none), then any other `repository` a result names (an organization of
 * organization secrets, a pattern that could not be resolved).
 */
export function groupByRepository(
  repositories: readonly RepositoryRef[],
  results: readonly TargetResult[]
): RepositoryGroup[] {
  const groups = new Map<string, RepositoryGroup>()
  for (const { owner, repo } of repositories) {
    const name = `${owner}/${repo}`
    groups.set(name.toLowerCase(), { repository: name, results: [] })
  }
  for (const result of results) {
    const key = result.repository.toLowerCase()
    let group = groups.get(key)
    if (group === undefined) {
      group = { repository: result.repository, results: [] }
      groups.set(key, group)
    }
    group.results.push(result)
  }
  return [...groups.values()]
}

function targetCell(result: TargetResult): string {
  return result.url
    ? `<a href="${escapeHtml(result.url)}">${escapeHtml(String(result.id))}</a>`
    : escapeHtml(String(result.id))
}

/** One repository's targets as an HTML table (its repository is in the line above it). */
function targetTable(results: readonly TargetResult[]): string {
  const header = ['Target', 'Action', 'Outcome', 'Reason'].map(name => `<th>${name}</th>`).join('')
  const rows = results.map(
    result =>
      `<tr><td>${targetCell(result)}</td><td>${escapeHtml(result.action)}</td><td>${result.outcome}</td><td>${escapeHtml(result.reason)}</td></tr>`
  )
  return `<table><tr>${header}</tr>${rows.join('')}</table>`
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    char => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char] ?? char
  )
}
