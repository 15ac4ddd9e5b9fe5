/** Queries over what a run of the action gave back: its `result`, its log and its outputs. */
import { expect } from '@jest/globals'
import type { ActionRun } from './run-action.js'

type Entry = ActionRun['result'][number]

/** Each entry of the result as `[id, outcome, reason]`. */
export function outcomes(run: ActionRun): Array<[number | string, string, string]> {
  return run.result.map(r => [r.id, r.outcome, r.reason])
}

/**
 * A one-line view of an entry: `fields` in order, separated by spaces, `-` for a field the entry
 * lacks (`resultLine('repository', 'id', 'outcome')` gives `acme/web 7 done`).
 */
export function resultLine(...fields: Array<keyof Entry>): (entry: Entry) => string {
  return entry => fields.map(field => String(entry[field] ?? '-')).join(' ')
}

/** The first `::error::` line of the log, or `''`. */
export function errorLine(stdout: string): string {
  return stdout.split('\n').find(line => line.startsWith('::error::')) ?? ''
}

/** The `Repositories: N` group of the log and the lines in it. */
export function loggedRepositories(run: ActionRun): string[] {
  const lines = run.stdout.split('\n')
  const start = lines.findIndex(line => line.startsWith('::group::Repositories: '))
  const end = lines.indexOf('::endgroup::', start)
  return lines.slice(start, end + 1)
}

/**
 * No value may reach the log (outside the `::add-mask::` commands that register it with the
 * runner), stderr, the job summary, or an output other than the masked `generated-values`.
 */
export function expectNoLeak(run: ActionRun, values: string[]): void {
  const log = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const outputs = Object.entries(run.outputs)
    .filter(([name]) => name !== 'generated-values')
    .map(([, value]) => value)
    .join('\n')
  for (const value of values) {
    expect(value.length).toBeGreaterThan(8)
    const leaks = { log, stderr: run.stderr, summary: run.summary, outputs }
    for (const [where, text] of Object.entries(leaks)) {
      expect(`${where}: ${String(text.includes(value))}`).toBe(`${where}: false`)
    }
  }
}
