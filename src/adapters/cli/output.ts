/**
 * What the command line prints on stdout: with `--json` the action's `result` output alone;
 * otherwise a table, one row per target, and the totals line the action logs.
 */
import type { Outcome, TargetResult } from '../../boundary/outcomes.js'
import type { Environment } from '../../inputs/step-inputs.js'
import { outputsFor } from '../tally.js'

/**
 * Whether to color what goes to `stream`: only a terminal, and never with `NO_COLOR` set to
 * anything but '' (no-color.org).
 */
export function colorFor(stream: { isTTY?: boolean }, env: Environment): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === ''
}

/** The `--json` output: exactly the action's `result` output, and a newline. */
export function renderJson(results: readonly TargetResult[], dryRun: boolean): string {
  return `${outputsFor(results, dryRun).result}\n`
}

const OUTCOME_COLOR: Record<Outcome, string> = {
  done: '32', // green
  planned: '36', // cyan
  skipped: '33', // yellow
  failed: '31' // red
}

const paint = (code: string, text: string): string => `\u001b[${code}m${text}\u001b[0m`

const HEADER = ['REPOSITORY', 'KIND', 'ID', 'ACTION', 'OUTCOME', 'REASON'] as const

/**
 * One row per target (repository, kind, id, action, outcome, reason) under a header, in columns;
 * a secret's kind names its store (`dependabot secret`). No row and no header when there is no
 * target. With `color`, the header is bold and each outcome has its color.
 */
export function renderTable(results: readonly TargetResult[], color: boolean): string {
  if (results.length === 0) return 'No targets.\n'
  const rows = results.map(result => [
    result.repository,
    result.app ? `${result.app} ${result.kind}` : result.kind,
    String(result.id),
    result.action,
    result.outcome,
    // One line per row: a reason never breaks the table.
    result.reason.replace(/\s*\n\s*/g, ' ')
  ])
  const widths = HEADER.map((title, column) =>
    Math.max(title.length, ...rows.map(row => (row[column] ?? '').length))
  )
  const line = (
    cells: readonly string[],
    style: (cell: string, column: number) => string
  ): string =>
    cells
      .map((cell, column) => {
        // The last column is not padded: no trailing spaces.
        const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)
        return style(padded, column)
      })
      .join('  ')
  const header = line(HEADER, cell => (color ? paint('1', cell) : cell))
  const body = rows.map((row, index) =>
    line(row, (cell, column) => {
      const outcome = results[index]?.outcome
      return color && column === 4 && outcome ? paint(OUTCOME_COLOR[outcome], cell) : cell
    })
  )
  return `${[header, ...body].join('\n')}\n`
}
