/**
 * rerun-failed reading job logs: the log storage failing and recovering (its retries follow
 * ACTIONS_OPS_TIME_SCALE), and `log-pattern`s that a backtracking engine would never finish or
 * that RE2 does not accept.
 */
import { describe, expect, it } from '@jest/globals'
import { failedRun, job } from '../../__fixtures__/rerun-failed.js'
import { minutesAgo, repository, scenario } from '../../__fixtures__/scenario.js'
import type { Scenario } from '../../simulator/index.js'
import { outcomes } from '../lib/results.js'
import { runAction, type ActionRun } from '../lib/run-action.js'
import { simulatorPerTest, tokenKeptFromLogHost } from '../lib/simulator-per-test.js'
import { runOf } from '../lib/world.js'

// The API token must never reach the log storage host, whatever it answers.
const simulate = simulatorPerTest(tokenKeptFromLogHost)

const tookMs = (result: ActionRun): number => result.exitedAt - result.launchedAt

/** Two failed runs whose `e2e` job logs show a network flake; run 2 is the newer, read first. */
function world(log1 = 'npm ERR! ECONNRESET', log2 = 'npm ERR! ETIMEDOUT'): Scenario {
  return scenario(
    repository('acme/web', [
      failedRun({
        id: 1,
        head_branch: 'a',
        created_at: minutesAgo(40),
        jobs: [job(12, 'e2e', 'failure', log1)]
      }),
      failedRun({
        id: 2,
        head_branch: 'b',
        created_at: minutesAgo(20),
        jobs: [job(22, 'e2e', 'failure', log2)]
      })
    ])
  )
}

describe('rerun-failed with log-pattern', () => {
  describe('when the log storage answers 503 and then recovers', () => {
    it('should download the log again, waiting as ACTIONS_OPS_TIME_SCALE says, and re-run', async () => {
      const s = await simulate(world())
      s.blobs.faults.add({ times: 2, kind: 'status', status: 503 })
      s.blobs.faults.add({ times: 1, kind: 'drop' })
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'log-pattern': 'ECONNRESET|ETIMEDOUT' }
      })
      expect(result.exitCode).toBe(0)
      expect(outcomes(result)).toEqual([
        [2, 'done', 'conclusion failure, attempt 1; log of e2e matches log-pattern'],
        [1, 'done', 'conclusion failure, attempt 1; log of e2e matches log-pattern']
      ])
      expect(s.blobs.requests.map(r => `${r.status}${r.fault ? ` ${r.fault}` : ''}`)).toEqual([
        '503 status',
        '503 status',
        '0 drop',
        '200',
        '200'
      ])
      // Unscaled, the three waits before the fourth attempt would take at least 14 s.
      expect(tookMs(result)).toBeLessThan(10_000)
    })
  })

  describe('when the log storage keeps failing', () => {
    it('should report that run failed with the reason, and go on with the next', async () => {
      const s = await simulate(world())
      s.blobs.faults.add({ times: 4, kind: 'status', status: 503 })
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'log-pattern': 'ECONNRESET|ETIMEDOUT' }
      })
      expect(result.exitCode).toBe(1)
      expect(outcomes(result)).toEqual([
        [
          2,
          'failed',
          "could not download the log of job 22 from GitHub's log storage (HTTP 503, 4 attempts)"
        ],
        [1, 'done', 'conclusion failure, attempt 1; log of e2e matches log-pattern']
      ])
      expect([runOf(s, 1).run_attempt, runOf(s, 2).run_attempt]).toEqual([2, 1])
      expect(result.stdout).toContain(
        "::error::1 target(s) failed:%0Aacme/web run 2: could not download the log of job 22 from GitHub's log storage (HTTP 503, 4 attempts)"
      )
      expect(result.summary).toContain('HTTP 503, 4 attempts')
    })
  })

  describe('when the pattern backtracks catastrophically on a log line', () => {
    it('should still finish at once: the pattern is matched in linear time', async () => {
      const s = await simulate(world(`${'a'.repeat(34)}!`, `${'a'.repeat(40)}`))
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'log-pattern': '(a+)+$' },
        timeoutMs: 15_000
      })
      expect(result.exitCode).toBe(0)
      // Newest first; each run is re-run as soon as it is judged.
      expect(outcomes(result)).toEqual([
        [2, 'done', 'conclusion failure, attempt 1; log of e2e matches log-pattern'],
        [1, 'skipped', 'log did not match']
      ])
      expect(tookMs(result)).toBeLessThan(10_000)
    })
  })

  describe('when the pattern is not RE2 syntax', () => {
    it('should refuse a lookbehind before any request, naming log-pattern', async () => {
      const s = await simulate(world())
      const result = await runAction({
        apiUrl: s.url,
        with: { operation: 'rerun-failed', 'log-pattern': '(?<=npm ERR! )ECONNRESET' }
      })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toMatch(
        /::error::Input 'log-pattern': "\(\?<=npm ERR! \)ECONNRESET" is not a regular expression in RE2 syntax .*no lookahead or lookbehind/
      )
      expect(s.requests).toEqual([])
    })
  })
})
