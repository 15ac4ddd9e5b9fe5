/**
 * delete-runs with a `run-id` that names no run: its entry is a run entry like any other, linked to
 * the run's page, so a summary reader can follow the id.
 */
import { describe, expect, it } from '@jest/globals'
import { completedRun } from '../../__fixtures__/clean-up.js'
import { repository, scenario } from '../../__fixtures__/scenario.js'
import { runAction } from '../lib/run-action.js'
import { simulatorPerTest } from '../lib/simulator-per-test.js'

const simulate = simulatorPerTest()

describe('delete-runs with a run-id that names no run', () => {
  it.each(['true', 'false'])(
    'should report it skipped with the run page as its url (dry-run %s)',
    async dryRun => {
      const s = await simulate(scenario(repository('acme/web', [completedRun(40, { id: 1 })])))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'delete-runs', 'run-id': '010', 'older-than': '30d', 'dry-run': dryRun }
      })
      expect(result.exitCode).toBe(0)
      expect(result.result).toEqual([
        {
          repository: 'acme/web',
          kind: 'run',
          id: 10,
          action: 'delete',
          outcome: 'skipped',
          reason: 'not found: already deleted, or not a run of acme/web',
          url: 'https://github.com/acme/web/actions/runs/10'
        }
      ])
      expect(s.requests.map(r => `${r.method} ${r.path} ${r.status}`)).toEqual([
        'GET /repos/acme/web/actions/runs/10 404'
      ])
    }
  )

  it('should link the page on the server the runner names (GitHub Enterprise Server)', async () => {
    const s = await simulate(scenario(repository('acme/web', [completedRun(40, { id: 1 })])))
    const result = await runAction({
      apiUrl: `${s.url}/api/v3`,
      env: { GITHUB_SERVER_URL: 'https://ghe.example.com' },
      with: { operation: 'delete-runs', 'run-id': '7', 'older-than': '30d' }
    })
    expect(result.result.map(r => r.url)).toEqual([
      'https://ghe.example.com/acme/web/actions/runs/7'
    ])
  })
})
