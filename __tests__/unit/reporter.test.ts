import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as core from '@actions/core'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { RequestCounter } from '../../src/boundary/client.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import type { TargetResult } from '../../src/boundary/outcomes.js'
import { groupByRepository, publish } from '../../src/adapters/action/report.js'

const saved = { ...process.env }
// @actions/core keeps the summary's path once it has read it: one file for this test file.
const dir = mkdtempSync(join(tmpdir(), 'actions-ops-reporter-'))
const summaryFile = join(dir, 'summary')
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  writeFileSync(summaryFile, '')
  process.env.GITHUB_STEP_SUMMARY = summaryFile
  process.env.GITHUB_OUTPUT = join(dir, 'output')
  writeFileSync(process.env.GITHUB_OUTPUT, '')
  core.summary.emptyBuffer()
})
afterEach(() => {
  jest.restoreAllMocks()
  process.env = { ...saved }
  process.exitCode = undefined
})

const planned = (repository: string, id: number, reason = 'superseded'): TargetResult => ({
  repository,
  kind: 'run',
  id,
  action: 'cancel',
  url: `https://github.com/${repository}/actions/runs/${id}`,
  outcome: 'planned',
  reason
})

/** Settings of a dry-run sweep over `acme/*` resolved to `names`. */
function sweep(names: string[]): ReturnType<typeof getSettings> {
  const settings = getSettings(
    inputs({ operation: 'cancel-stale', repository: 'acme/*', 'dry-run': 'true' }),
    runnerEnv
  )
  return {
    ...settings,
    repositories: names.map(name => ({ owner: 'acme', repo: name }))
  }
}

describe('groupByRepository', () => {
  it('keeps every processed repository in order, then any other repository a result names', () => {
    const groups = groupByRepository(
      [
        { owner: 'acme', repo: 'web' },
        { owner: 'acme', repo: 'api' }
      ],
      [planned('acme/API', 1), planned('acme', 2), planned('acme/api', 3)]
    )
    expect(groups.map(group => [group.repository, group.results.map(r => r.id)])).toEqual([
      ['acme/web', []],
      ['acme/api', [1, 3]],
      ['acme', [2]]
    ])
  })
})

describe('the job summary of a sweep', () => {
  it('shows open tables for a few repositories with targets', async () => {
    const settings = sweep(['web', 'api', 'docs'])
    await publish(settings, [planned('acme/web', 1), planned('acme/web', 2)], new RequestCounter())
    const summary = readFileSync(summaryFile, 'utf8')
    expect(summary).toContain('**3 repositories processed**: 1 with targets, 2 with nothing to do.')
    expect(summary).toContain('<h3>acme/web: 2 planned</h3>')
    expect(summary).not.toContain('<details>')
    expect(summary).toContain('2 repositories with nothing to do: acme/api, acme/docs')
  })

  it('stays under 1 MiB for thousands of repositories with targets, every one named', async () => {
    const names = Array.from({ length: 4000 }, (_, i) => `svc-${String(i).padStart(4, '0')}`)
    const reason = 'superseded by a newer run of its group '.repeat(6)
    const results = names.map((name, i) => planned(`acme/${name}`, i + 1, reason))
    await publish(sweep([...names, 'quiet']), results, new RequestCounter())
    const summary = readFileSync(summaryFile, 'utf8')
    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024)
    expect(summary).toContain(
      '**4001 repositories processed**: 4000 with targets, 1 with nothing to do.'
    )
    expect(summary).toContain('<details><summary>acme/svc-0000: 1 planned</summary>')
    const untabled = /<summary>(\d+) more repositories with targets/.exec(summary)
    expect(Number(untabled?.[1])).toBeGreaterThan(0)
    // Past the tables, a line per repository (up to 2,000 of them), then how many are left.
    const lines = summary.match(/^- acme\/svc-\d{4}: 1 planned$/gm) ?? []
    expect(lines).toHaveLength(2000)
    expect(summary).toContain(`- and ${Number(untabled?.[1]) - 2000} more`)
  })
})
