/**
 * A `run-id` that names no run, and an event payload that is not JSON: the messages say what is
 * wrong and where, not what it looks like from the request that failed.
 */
import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { repository, run, scenario } from '../../__fixtures__/scenario.js'
import { errorLine } from '../lib/results.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

/** The inputs an operation needs besides run-id, and the request of its run that answers 404. */
const RUN_READS: Array<[string, Record<string, string>, string]> = [
  ['rerun-failed', {}, 'GET /repos/acme/web/actions/runs/424242 404'],
  ['approve-fork-runs', {}, 'GET /repos/acme/web/actions/runs/424242 404'],
  ['review-deployments', {}, 'GET /repos/acme/web/actions/runs/424242 404'],
  ['cancel-stale', {}, 'GET /repos/acme/web/actions/runs/424242 404'],
  [
    'delete-artifacts',
    { 'older-than': '0s' },
    'GET /repos/acme/web/actions/runs/424242/artifacts 404'
  ]
]

describe.each(RUN_READS)('%s with a run-id that names no run', (operation, inputs, read) => {
  it('should say the run was not found in the repository, and what to check', async () => {
    const s = await simulate(scenario(repository('acme/web', [run({ id: 1 })])))
    const result = await runAction({
      apiUrl: s.url,
      with: { operation, 'run-id': '424242', ...inputs }
    })
    const reason =
      "workflow run 424242 was not found in acme/web (404). Check that 'run-id' is the number in the run's URL (…/acme/web/actions/runs/424242) and that the run belongs to acme/web and was not deleted; a token that cannot read acme/web gets the same answer."
    expect(result.result.map(r => [r.kind, r.id, r.outcome, r.reason])).toEqual([
      ['repository', 'acme/web', 'failed', reason]
    ])
    expect(result.exitCode).toBe(1)
    expect(errorLine(result.stdout)).toContain('run 424242 was not found in acme/web')
    expect(result.stdout).not.toContain('404 Not Found')
    // One read, no retry: a 404 answers the same every time.
    // cancel-stale lists the active runs first, to judge the run within its group.
    expect(
      s.requests
        .filter(r => r.path.includes('/runs/'))
        .map(r => `${r.method} ${r.path} ${r.status}`)
    ).toEqual([read])
  })
})

describe('an event payload that is not JSON', () => {
  it('should name the payload file and say it is not JSON, before any request', async () => {
    const s = await simulate(scenario(repository('acme/web', [run({ id: 1 })])))
    const eventPath = join(mkdtempSync(join(tmpdir(), 'event-')), 'event.json')
    writeFileSync(eventPath, '{"workflow_run": ')
    const result = await runAction({
      apiUrl: s.url,
      event: { name: 'workflow_run', payload: {} },
      with: { operation: 'rerun-failed' },
      env: { GITHUB_EVENT_PATH: eventPath }
    })
    expect(result.exitCode).toBe(1)
    const error = errorLine(result.stdout)
    expect(error).toContain(
      `::error::The event payload at GITHUB_EVENT_PATH (${eventPath}) is not JSON`
    )
    expect(error).not.toContain('run-id')
    expect(s.requests).toEqual([])
  })
})
