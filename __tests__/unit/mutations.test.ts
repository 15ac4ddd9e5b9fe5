import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { Mutations, OperationsBudget, type PlannedWrite } from '../../src/boundary/mutations.js'
import { Results, type Target } from '../../src/boundary/outcomes.js'
import { outputsFor } from '../../src/adapters/tally.js'
import { actionsLog, useLog, type Progress } from '../../src/log.js'

const target = (id: number): Target => ({
  repository: 'acme/web',
  kind: 'run',
  id,
  action: 'cancel',
  url: `https://github.com/acme/web/actions/runs/${id}`
})
const apiError = (status: number, headers: Record<string, string> = {}): Error =>
  Object.assign(new Error(`HTTP ${status}`), { status, response: { headers } })

describe('Mutations', () => {
  describe('when not a dry run', () => {
    it('should send each write and record done, skipped or failed', async () => {
      const results = new Results()
      const mutations = new Mutations('cancel-stale', false, new OperationsBudget(10), results)
      const sent: number[] = []
      await mutations.apply(
        [1, 2, 3].map(id => ({
          target: target(id),
          reason: 'stale',
          send: async () => {
            sent.push(id)
            if (id === 2) throw apiError(409)
            if (id === 3) throw apiError(403)
            return 'superseded'
          },
          onError: (error: unknown) =>
            (error as { status?: number }).status === 409
              ? { outcome: 'skipped' as const, reason: 'already completed' }
              : undefined
        })),
        'cancelled'
      )
      expect(sent).toEqual([1, 2, 3])
      expect(results.all().map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'superseded'],
        [2, 'skipped', 'already completed'],
        [3, 'failed', expect.stringContaining('actions: write')]
      ])
    })
    it('should stop sending once the primary rate limit is exhausted and say when it resets', async () => {
      const results = new Results()
      const mutations = new Mutations('cancel-stale', false, new OperationsBudget(10), results)
      const send = jest.fn(async () => {
        throw apiError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1795000000' })
      })
      await mutations.apply(
        [1, 2, 3].map(id => ({ target: target(id), reason: 'stale', send })),
        'cancelled'
      )
      expect(send).toHaveBeenCalledTimes(1)
      expect(results.with('skipped')).toHaveLength(3)
      expect(results.all()[2]?.reason).toBe(
        `rate limit exhausted until ${new Date(1795000000 * 1000).toISOString()}`
      )
    })
  })

  describe('when a write can tell whether it landed', () => {
    // The boundary logs each lost answer it detects; keep those lines out of the test log.
    beforeEach(() => {
      jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
    })
    afterEach(() => {
      jest.restoreAllMocks()
    })
    /** Applies one write whose attempts fail with `failures` in turn, then succeed. */
    async function applyFlaky(
      failures: number[],
      landedAfter: boolean[]
    ): Promise<{ results: Results; sends: number; reads: number }> {
      const results = new Results()
      const mutations = new Mutations('cancel-stale', false, new OperationsBudget(10), results, 0)
      let sends = 0
      let reads = 0
      await mutations.apply(
        [
          {
            target: target(1),
            reason: 'stale',
            send: async () => {
              const status = failures[sends++]
              if (status !== undefined) throw apiError(status)
              return ''
            },
            landed: async () => landedAfter[reads++] ?? false,
            onError: (error: unknown) =>
              (error as { status?: number }).status === 409
                ? { outcome: 'skipped' as const, reason: 'already completed' }
                : undefined
          }
        ],
        'cancelled'
      )
      return { results, sends, reads }
    }
    const outcome = (results: Results): Array<[string, string]> =>
      results.all().map(r => [r.outcome, r.reason])

    it('should not send again a write whose answer was lost after it took effect', async () => {
      const { results, sends, reads } = await applyFlaky([502], [true])
      expect([sends, reads]).toEqual([1, 1])
      expect(outcome(results)).toEqual([['done', 'stale']])
    })
    it('should send again, after reading back, a write that did not take effect', async () => {
      const { results, sends, reads } = await applyFlaky([503, 500], [false, false])
      expect([sends, reads]).toEqual([2 + 1, 2])
      expect(outcome(results)).toEqual([['done', 'stale']])
    })
    it('should never read back after a refusal', async () => {
      const { results, sends, reads } = await applyFlaky([409], [true])
      expect([sends, reads]).toEqual([1, 0])
      expect(outcome(results)).toEqual([['skipped', 'already completed']])
    })
    it('should fail after four failed attempts, unless the last one took effect', async () => {
      const failed = await applyFlaky([502, 502, 502, 502], [false, false, false, false])
      expect([failed.sends, failed.reads]).toEqual([4, 4])
      expect(outcome(failed.results)).toEqual([['failed', expect.stringContaining('502')]])
      const last = await applyFlaky([502, 502, 502, 502], [false, false, false, true])
      expect([last.sends, last.reads]).toEqual([4, 4])
      expect(outcome(last.results)).toEqual([['done', 'stale']])
    })
  })

  describe('when a dry run', () => {
    it('should send nothing, plan every write and spend the budget the same way', async () => {
      const results = new Results()
      const mutations = new Mutations('cancel-stale', true, new OperationsBudget(2), results)
      const send = jest.fn(async () => '')
      await mutations.apply(
        [1, 2, 3].map(id => ({ target: target(id), reason: 'stale', send })),
        'cancelled'
      )
      expect(send).not.toHaveBeenCalled()
      expect(results.all().map(r => r.outcome)).toEqual(['planned', 'planned', 'skipped'])
      expect(results.all()[2]?.reason).toBe('limit reached')
      expect(outputsFor(results.all(), true)).toMatchObject({ count: 2, runIds: '1,2' })
    })
  })

  describe('when targets are past the limit', () => {
    it('should skip each with the reason limit reached and name the input once in a warning', async () => {
      const stdout: string[] = []
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
        stdout.push(String(chunk))
        return true
      })
      const results = new Results()
      const mutations = new Mutations('cancel-stale', false, new OperationsBudget(1), results)
      const send = jest.fn(async () => '')
      try {
        await mutations.apply(
          [1, 2, 3].map(id => ({ target: target(id), reason: 'stale', send })),
          'cancelled'
        )
        await mutations.apply([{ target: target(4), reason: 'stale', send }], 'cancelled')
      } finally {
        write.mockRestore()
      }
      expect(send).toHaveBeenCalledTimes(1)
      expect(results.all().map(r => [r.id, r.outcome, r.reason])).toEqual([
        [1, 'done', 'stale'],
        [2, 'skipped', 'limit reached'],
        [3, 'skipped', 'limit reached'],
        [4, 'skipped', 'limit reached']
      ])
      const warnings = stdout
        .join('')
        .split('\n')
        .filter(line => line.startsWith('::warning::'))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toContain('`limit` input')
      expect(warnings[0]).toContain('now 1')
    })
  })

  describe('when handlers ask whether to go on', () => {
    const quietly = <T>(work: () => T): T => {
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
      try {
        return work()
      } finally {
        write.mockRestore()
      }
    }
    const soon = (seconds: number): Date => new Date(Date.now() + seconds * 1000)
    const spent = (reset: Date): Record<string, string> => ({
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.floor(reset.getTime() / 1000))
    })

    it('should stop targets to change at the spent budget, and reads only at the spent rate limit', async () => {
      const results = new Results()
      const mutations = new Mutations('cancel-stale', true, new OperationsBudget(1), results)
      expect([mutations.stopReason(), mutations.stopReason('read'), mutations.canRead()]).toEqual([
        undefined,
        undefined,
        true
      ])
      await mutations.apply(
        [{ target: target(1), reason: 'stale', send: async () => '' }],
        'cancelled'
      )
      expect([mutations.stopReason(), mutations.stopReason('read')]).toEqual([
        'limit reached',
        undefined
      ])
      const reset = soon(3600)
      quietly(() => mutations.rateLimit.observe(spent(reset)))
      const exhausted = `rate limit exhausted until ${new Date(Math.floor(reset.getTime() / 1000) * 1000).toISOString()}`
      // The budget decides first for a target that would change; reads see the rate limit.
      expect([mutations.stopReason(), mutations.stopReason('read'), mutations.canRead()]).toEqual([
        'limit reached',
        exhausted,
        false
      ])
    })

    it('should record a stopped target with the stop reason, and name the limit input once', () => {
      const stdout: string[] = []
      const write = jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
        stdout.push(String(chunk))
        return true
      })
      const results = new Results()
      const mutations = new Mutations('cancel-stale', false, new OperationsBudget(0), results)
      try {
        expect(() => mutations.skipStopped(target(1), 'read')).toThrow('run 1 was not stopped')
        mutations.skipStopped(target(1))
        mutations.skipStopped(target(2))
        const reset = soon(600)
        mutations.rateLimit.observe(spent(reset))
        mutations.skipStopped(target(3), 'read')
      } finally {
        write.mockRestore()
      }
      expect(results.all().map(r => [r.id, r.reason])).toEqual([
        [1, 'limit reached'],
        [2, 'limit reached'],
        [3, expect.stringMatching(/^rate limit exhausted until /)]
      ])
      expect(stdout.join('').match(/::warning::limit reached/g)).toHaveLength(1)
    })

    it('should take a refusal for the spent rate limit as the stop, even with a reset already past', () => {
      const results = new Results()
      const mutations = new Mutations('cancel-stale', false, new OperationsBudget(5), results)
      const past = new Date(Date.now() - 60_000)
      expect(mutations.stoppedBy(apiError(404))).toBeUndefined()
      expect(mutations.canRead()).toBe(true)
      const reason = quietly(() => mutations.stoppedBy(apiError(403, spent(past))))
      const exhausted = `rate limit exhausted until ${new Date(Math.floor(past.getTime() / 1000) * 1000).toISOString()}`
      expect(reason).toBe(exhausted)
      expect([mutations.canRead(), mutations.stopReason()]).toEqual([false, exhausted])
      // An answer that shows requests left (the window was reset) lifts the stop.
      mutations.rateLimit.observe({ 'x-ratelimit-remaining': '4999' })
      expect([mutations.canRead(), mutations.stopReason()]).toEqual([true, undefined])
    })

    it('should not stop for a limit that resets within a minute: the client waits it out', () => {
      const mutations = new Mutations('cancel-stale', false, new OperationsBudget(5), new Results())
      mutations.rateLimit.observe(spent(soon(30)))
      expect(mutations.canRead()).toBe(true)
      mutations.rateLimit.observe(spent(soon(120)))
      expect(quietly(() => mutations.canRead())).toBe(false)
    })

    it('should send no write once the rate limit is spent, yet plan writes in a dry run', async () => {
      const real = new Mutations('cancel-stale', false, new OperationsBudget(5), new Results())
      const dry = new Mutations('cancel-stale', true, new OperationsBudget(5), new Results())
      const send = jest.fn(async () => '')
      for (const mutations of [real, dry]) {
        quietly(() => mutations.rateLimit.observe(spent(soon(3600))))
        const [result] = await mutations.apply(
          [{ target: target(1), reason: 'stale', send }],
          'cancelled'
        )
        expect(result?.outcome).toBe(mutations === real ? 'skipped' : 'planned')
      }
      expect(send).not.toHaveBeenCalled()
    })
  })

  describe('while writes go on', () => {
    afterEach(() => useLog(actionsLog))

    it('should report the targets done of those handed to it, across calls', async () => {
      const reported: Progress[] = []
      useLog({
        ...actionsLog,
        warning: () => undefined,
        progress: progress => reported.push(progress)
      })
      const mutations = new Mutations('delete-runs', true, new OperationsBudget(2), new Results())
      const write = (id: number): PlannedWrite => ({
        target: target(id),
        reason: 'old',
        send: async () => ''
      })
      await mutations.apply([write(1), write(2)], 'deleted')
      await mutations.apply([write(3)], 'deleted')
      expect(reported).toEqual([
        { targets: { done: 0, known: 2 } },
        { targets: { done: 1, known: 2 } },
        { targets: { done: 2, known: 2 } },
        { targets: { done: 2, known: 3 } },
        // Past the limit: skipped, and done all the same.
        { targets: { done: 3, known: 3 } }
      ])
    })
  })
})
