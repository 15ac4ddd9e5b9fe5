import { describe, expect, it } from '@jest/globals'
import { RE2JS } from 're2js'
import { aRun } from '../../__fixtures__/runs.js'
import {
  cheapSkipReason,
  failedJobsOf,
  jobSkipReason,
  LaterRunsFinder,
  lineMatcher,
  supersededWithin,
  supersedes,
  type GuardOptions
} from '../../src/operations/rerun-failed/rules.js'

const now = new Date('2026-11-22T12:00:00Z')
const options: GuardOptions = { now, maxAttempts: 3, conclusions: ['failure'] }
const failed = (overrides: Parameters<typeof aRun>[0] = {}): ReturnType<typeof aRun> =>
  aRun({
    status: 'completed',
    conclusion: 'failure',
    created_at: '2026-11-22T10:00:00Z',
    ...overrides
  })

describe('cheapSkipReason', () => {
  const table: Array<[string, ReturnType<typeof aRun>, Partial<GuardOptions>, string | undefined]> =
    [
      ['a failed run of attempt 1', failed(), {}, undefined],
      ['an active run', failed({ status: 'in_progress', conclusion: null }), {}, 'still running'],
      [
        'a run whose attempt 2 is queued',
        failed({ status: 'queued', conclusion: null, run_attempt: 2 }),
        {},
        'already being retried (attempt 2 is queued)'
      ],
      [
        'a run re-run since the event',
        failed({ run_attempt: 2 }),
        { eventAttempt: 1 },
        'already retried (attempt 2 exists; the event was for attempt 1)'
      ],
      ['the attempt the event was for', failed({ run_attempt: 2 }), { eventAttempt: 2 }, undefined],
      [
        'a successful run',
        failed({ conclusion: 'success' }),
        {},
        'conclusion success is not in conclusions (failure)'
      ],
      [
        'a timed-out run when conclusions include timed_out',
        failed({ conclusion: 'timed_out' }),
        { conclusions: ['failure', 'timed_out'] },
        undefined
      ],
      [
        'a run created 30 days and 1 second ago',
        failed({ created_at: '2026-10-23T11:59:59Z' }),
        {},
        'older than 30 days (GitHub refuses re-runs)'
      ],
      [
        'a run created exactly 30 days ago',
        failed({ created_at: '2026-10-23T12:00:00Z' }),
        {},
        undefined
      ],
      [
        'a run at attempt 50',
        failed({ run_attempt: 50 }),
        { maxAttempts: 50 },
        "GitHub's 50-attempt cap reached"
      ],
      [
        'a run at attempt 49 with max-attempts 50',
        failed({ run_attempt: 49 }),
        { maxAttempts: 50 },
        undefined
      ],
      ['a run at max-attempts', failed({ run_attempt: 3 }), {}, 'max attempts reached'],
      ['a run below max-attempts', failed({ run_attempt: 2 }), {}, undefined],
      ['any re-run with max-attempts 1', failed(), { maxAttempts: 1 }, 'max attempts reached']
    ]
  it.each(table)('%s', (_name, run, overrides, expected) => {
    expect(cheapSkipReason(run, { ...options, ...overrides })).toBe(expected)
  })

  it('should say still running before anything else, even for a very old run', () => {
    const run = failed({
      status: 'in_progress',
      conclusion: null,
      created_at: '2026-01-01T00:00:00Z'
    })
    expect(cheapSkipReason(run, options)).toBe('still running')
  })
})

describe('supersession', () => {
  const at = (hh: number): string => `2026-11-22T${String(hh).padStart(2, '0')}:00:00Z`

  it('should map every run but the newest of its group to the newest', () => {
    const runs = [
      failed({ id: 1, created_at: at(8) }),
      failed({ id: 2, created_at: at(9) }),
      failed({ id: 3, created_at: at(10) }),
      failed({ id: 4, created_at: at(8), head_branch: 'feature/x' })
    ]
    expect([...supersededWithin(runs)]).toEqual([
      [1, 3],
      [2, 3]
    ])
  })

  const table: Array<[string, Parameters<typeof aRun>[0], boolean]> = [
    ['a newer run of the same workflow and branch', { id: 9, created_at: at(11) }, true],
    ['an older run', { id: 9, created_at: at(9) }, false],
    ['the run itself', { id: 5, created_at: at(10) }, false],
    ['a run created the same second with a higher id', { id: 9, created_at: at(10) }, true],
    ['a newer run of another workflow', { id: 9, created_at: at(11), workflow_id: 12 }, false],
    ['a newer run on another branch', { id: 9, created_at: at(11), head_branch: 'dev' }, false],
    [
      "a newer run of a fork's branch of the same name",
      { id: 9, created_at: at(11), head_repository_full_name: 'mallory/web' },
      false
    ],
    ['a newer run of another event', { id: 9, created_at: at(11), event: 'schedule' }, true]
  ]
  it.each(table)('supersedes: %s', (_name, other, expected) => {
    const run = failed({ id: 5, created_at: at(10) })
    expect(supersedes(aRun(other), run)).toBe(expected)
  })

  it('should never supersede a run without a head branch', () => {
    const run = failed({ id: 5, head_branch: null })
    expect(supersedes(failed({ id: 6, head_branch: null, created_at: at(11) }), run)).toBe(false)
    expect(supersededWithin([run, failed({ id: 6, head_branch: null })]).size).toBe(0)
  })
})

describe('LaterRunsFinder', () => {
  const at = (mm: number): string => `2026-11-22T10:${String(mm).padStart(2, '0')}:00Z`
  const candidates = [
    failed({ id: 1, created_at: at(1) }),
    failed({ id: 2, created_at: at(2), head_branch: 'dev' }),
    failed({ id: 3, created_at: at(3), head_branch: 'dev', head_repository_full_name: 'eve/web' }),
    failed({ id: 4, created_at: at(4), head_branch: null })
  ]

  it('should decide a candidate by the newest run of its group, or by listing the candidate', () => {
    const finder = new LaterRunsFinder(candidates)
    // Newest first: a newer run of run 1's group, then run 3 itself (no newer run of eve's dev).
    const page = [aRun({ id: 9, created_at: at(9) }), candidates[2]!]
    expect(finder.observe(page, false)).toBe(2)
    expect(finder.decided.get(1)).toEqual({ newer: page[0] })
    expect(finder.decided.get(3)).toEqual({ current: candidates[2] })
    expect(finder.pending.map(run => run.id)).toEqual([2])
  })

  it("should not take another head repository's run of the same branch for a newer run", () => {
    const finder = new LaterRunsFinder(candidates)
    expect(
      finder.observe(
        [
          aRun({
            id: 9,
            created_at: at(9),
            head_branch: 'dev',
            head_repository_full_name: 'eve/web'
          })
        ],
        false
      )
    ).toBe(1)
    expect(finder.decided.has(2)).toBe(false)
    expect(finder.decided.get(3)?.newer?.id).toBe(9)
  })

  it('should decide the candidates missing from a complete listing as deleted', () => {
    const finder = new LaterRunsFinder(candidates)
    expect(finder.observe([], false)).toBe(0)
    expect(finder.observe([], true)).toBe(3)
    expect([...finder.decided.values()]).toEqual([{}, {}, {}])
  })

  it('should count one branch listing per workflow and branch, whatever the head repository', () => {
    const finder = new LaterRunsFinder(candidates)
    // Runs 2 and 3 share workflow 11's dev; run 4 has no branch and is never pending.
    expect(finder.pending.map(run => run.id)).toEqual([1, 2, 3])
    expect(finder.branchListings()).toBe(2)
    finder.observe([aRun({ id: 9, created_at: at(9) })], false)
    expect(finder.branchListings()).toBe(1)
  })
})

describe('job rules', () => {
  const job = (
    id: number,
    name: string,
    conclusion: string | null
  ): { id: number; name: string; conclusion: string | null } => ({
    id,
    name,
    conclusion
  })
  const jobs = [
    job(1, 'build', 'success'),
    job(2, 'e2e (chrome)', 'failure'),
    job(3, 'e2e (firefox)', 'timed_out'),
    job(4, 'deploy', 'skipped'),
    job(5, 'e2e (safari)', 'cancelled'),
    job(6, 'docs', null)
  ]

  it('failedJobsOf should keep failure, timed_out and cancelled', () => {
    expect(failedJobsOf(jobs).map(j => j.id)).toEqual([2, 3, 5])
  })

  const table: Array<[string, ReturnType<typeof job>[], string[], string | undefined]> = [
    ['no filter', [job(2, 'unit', 'failure')], [], undefined],
    ['every failed job matches', failedJobsOf(jobs), ['e2e*'], undefined],
    [
      'one failed job does not match',
      [job(2, 'e2e (chrome)', 'failure'), job(7, 'unit', 'failure')],
      ['e2e*'],
      'failed job unit is not in job-filter'
    ],
    [
      'matches one of several globs',
      [job(2, 'e2e', 'failure'), job(7, 'flaky-net', 'failure')],
      ['e2e', 'flaky-*'],
      undefined
    ],
    ['no failed jobs', [], ['e2e*'], 'no failed jobs in attempt 2']
  ]
  it.each(table)('jobSkipReason: %s', (_name, failedJobs, filter, expected) => {
    expect(jobSkipReason(failedJobs, filter, 2)).toBe(expected)
  })
})

describe('lineMatcher', () => {
  const table: Array<[string, string, string, boolean]> = [
    ['plain text', 'ETIMEDOUT', '2026-11-22T12:00:00.1234567Z npm ERR! ETIMEDOUT', true],
    ['no match', 'ETIMEDOUT', '2026-11-22T12:00:00.1234567Z all good', false],
    [
      '^ anchored after the timestamp',
      '^Error: socket hang up',
      '2026-11-22T12:00:00.1234567Z Error: socket hang up',
      true
    ],
    ['^ anchored on a line without timestamp', '^Error', 'Error: boom', true],
    [
      'a pattern that names the timestamp',
      '^2026-11-22T12:00:00\\.\\d+Z Error',
      '2026-11-22T12:00:00.1234567Z Error',
      true
    ],
    ['inline case-insensitive flag', '(?i)econnreset', 'read ECONNRESET', true]
  ]
  it.each(table)('%s', (_name, pattern, line, expected) => {
    expect(lineMatcher(RE2JS.compile(pattern))(line)).toBe(expected)
  })

  it('should give the same answer every time', () => {
    const matches = lineMatcher(RE2JS.compile('flaky'))
    expect([matches('flaky'), matches('flaky'), matches('flaky')]).toEqual([true, true, true])
  })

  it('should answer a pattern that backtracks catastrophically in linear time', () => {
    // A backtracking engine takes minutes on this line; the timestamp makes it try twice.
    const matches = lineMatcher(RE2JS.compile('(a+)+$'))
    const started = performance.now()
    expect(matches(`2026-11-22T12:00:00.1234567Z ${'a'.repeat(34)}!`)).toBe(false)
    expect(matches('a'.repeat(34))).toBe(true)
    expect(performance.now() - started).toBeLessThan(500)
  })
})
