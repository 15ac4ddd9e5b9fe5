/** cancel-stale `status`: which runs may be cancelled, and how the input is read. */
import { describe, expect, it } from '@jest/globals'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { aRun } from '../../__fixtures__/runs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import { findStaleRuns, inStatuses } from '../../src/operations/cancel-stale/rules.js'

describe('status (cancel-stale): runs picked within groups judged on every active run', () => {
  const now = new Date('2026-11-22T12:00:00Z')
  const runs = [
    aRun({ id: 1, status: 'in_progress', created_at: '2026-11-22T09:00:00Z' }),
    aRun({ id: 2, status: 'queued', created_at: '2026-11-22T10:00:00Z' }),
    aRun({ id: 3, status: 'in_progress', created_at: '2026-11-22T11:00:00Z' }),
    aRun({ id: 4, status: 'waiting', created_at: '2026-11-22T08:00:00Z', head_branch: 'dev' }),
    aRun({ id: 5, status: 'queued', created_at: '2026-11-22T11:30:00Z', head_branch: 'dev' })
  ]
  it.each<[string, string[], Array<[number, string]>]>([
    [
      'every active status',
      [],
      [
        [4, 'superseded by run 5'],
        [1, 'superseded by run 3'],
        [2, 'superseded by run 3']
      ]
    ],
    ['queued: the in-progress run 1 is left alone', ['queued'], [[2, 'superseded by run 3']]],
    [
      'queued, waiting',
      ['queued', 'waiting'],
      [
        [4, 'superseded by run 5'],
        [2, 'superseded by run 3']
      ]
    ],
    [
      'in_progress: the newest of a group is never stale',
      ['in_progress'],
      [[1, 'superseded by run 3']]
    ],
    ['pending: no run in it', ['pending'], []]
  ])('%s', (_, statuses, expected) => {
    const stale = findStaleRuns(runs, {
      keepLatest: 1,
      now,
      select: run => inStatuses(run, statuses)
    })
    expect(stale.map(entry => [entry.run.id, entry.reason])).toEqual(expected)
  })
})

describe('reading status', () => {
  const read = (withInputs: Record<string, string>): unknown =>
    getSettings(inputs(withInputs), runnerEnv)

  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    ['default: every active status', { operation: 'cancel-stale' }, { statuses: [] }],
    [
      'a list, each once',
      { operation: 'cancel-stale', status: 'queued, waiting\nqueued' },
      { statuses: ['queued', 'waiting'] }
    ]
  ])('%s', (_, withInputs, expected) => {
    expect(read(withInputs)).toMatchObject(expected)
  })

  it('should refuse anything but an active status, naming the input', () => {
    expect(() => read({ operation: 'cancel-stale', status: 'queued, completed' })).toThrow(
      `Input 'status': "completed" is not an active status; cancel-stale cancels only runs that have not completed. Use any of queued, in_progress, waiting, pending, requested, e.g. 'status: queued, waiting'.`
    )
  })
})
