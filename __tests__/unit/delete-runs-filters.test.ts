/**
 * delete-runs `workflow-state` and `keep-open-pull-requests`: the pure rules behind them, and how
 * the inputs are read.
 */
import { describe, expect, it } from '@jest/globals'
import { inputs, runnerEnv } from '../../__fixtures__/inputs.js'
import { aRun } from '../../__fixtures__/runs.js'
import { getSettings } from '../../src/adapters/action/input-helper.js'
import {
  inWorkflowStates,
  judgeRetention,
  pullRequestsByHead,
  verdictsWithin,
  workflowStateOf
} from '../../src/operations/delete-runs/rules.js'

describe('workflow-state (delete-runs)', () => {
  const listed = new Map<number, string>([
    [11, 'active'],
    [12, 'disabled_manually'],
    [13, 'deleted']
  ])
  it.each<[number, string]>([
    [11, 'active'],
    [12, 'disabled_manually'],
    [13, 'deleted'],
    [14, 'deleted']
  ])('workflow %s is %s', (id, state) => {
    expect(workflowStateOf(id, listed)).toBe(state)
  })

  it.each<[string, number, string[], boolean]>([
    ['any state when none is given', 11, [], true],
    ['a listed state asked for', 12, ['disabled_manually', 'disabled_inactivity'], true],
    ['a listed state not asked for', 11, ['deleted'], false],
    ['deleted: a workflow listed as deleted', 13, ['deleted'], true],
    ['deleted: a workflow no longer listed', 14, ['deleted'], true],
    ['active: a workflow no longer listed', 14, ['active'], false]
  ])('%s', (_, id, wanted, expected) => {
    expect(inWorkflowStates(id, wanted, listed)).toBe(expected)
  })

  it('narrows targets like conclusions: the newest run of a group is kept whatever its workflow', () => {
    const history = [
      aRun({ id: 1, workflow_id: 14, created_at: '2026-10-01T00:00:00Z', status: 'completed' }),
      aRun({ id: 2, workflow_id: 14, created_at: '2026-10-02T00:00:00Z', status: 'completed' }),
      aRun({ id: 3, workflow_id: 11, created_at: '2026-10-01T00:00:00Z', status: 'completed' }),
      aRun({ id: 4, workflow_id: 11, created_at: '2026-10-02T00:00:00Z', status: 'completed' })
    ]
    const verdicts = judgeRetention(history, {
      keepLatest: 1,
      newerCount: () => 0,
      isCandidate: run => inWorkflowStates(run.workflow_id, ['deleted'], listed)
    })
    expect(verdicts.map(entry => [entry.run.id, entry.verdict])).toEqual([
      [1, 'delete'],
      [2, 'keep']
    ])
  })
})

describe('keep-open-pull-requests (delete-runs)', () => {
  it.each<[string, Array<{ number: number; headSha: string }>, Array<[string, number]>]>([
    ['none open', [], []],
    [
      'one per head',
      [
        { number: 7, headSha: 'a' },
        { number: 8, headSha: 'b' }
      ],
      [
        ['a', 7],
        ['b', 8]
      ]
    ],
    [
      'a head shared by two: the lower number',
      [
        { number: 9, headSha: 'a' },
        { number: 7, headSha: 'a' }
      ],
      [['a', 7]]
    ]
  ])('pullRequestsByHead: %s', (_, pulls, expected) => {
    expect([...pullRequestsByHead(pulls)]).toEqual(expected)
  })

  it('verdictsWithin: only the first `budget` verdicts that are not kept', () => {
    const verdicts = [
      { run: aRun({ id: 1 }), verdict: 'delete' as const, newer: 1 },
      { run: aRun({ id: 2 }), verdict: 'keep' as const, rank: 1 },
      { run: aRun({ id: 3 }), verdict: 'undecided' as const },
      { run: aRun({ id: 4 }), verdict: 'delete' as const, newer: 2 }
    ]
    expect(verdictsWithin(verdicts, 2).map(entry => entry.run.id)).toEqual([1, 3])
    expect(verdictsWithin(verdicts, 0)).toEqual([])
  })
})

describe('reading workflow-state and keep-open-pull-requests', () => {
  const read = (withInputs: Record<string, string>): unknown =>
    getSettings(inputs(withInputs), runnerEnv)

  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    [
      'defaults: any state, keep the runs of open pull requests',
      { operation: 'delete-runs', 'older-than': '30d' },
      { workflowStates: [], keepOpenPullRequests: true }
    ],
    [
      'given',
      {
        operation: 'delete-runs',
        'older-than': '30d',
        'workflow-state': 'deleted, disabled_inactivity, deleted',
        'keep-open-pull-requests': 'false'
      },
      { workflowStates: ['deleted', 'disabled_inactivity'], keepOpenPullRequests: false }
    ]
  ])('%s', (_, withInputs, expected) => {
    expect(read(withInputs)).toMatchObject(expected)
  })

  it.each<[Record<string, string>, string]>([
    [
      { 'workflow-state': 'removed' },
      `Input 'workflow-state': "removed" is not one of active, deleted, disabled_fork, disabled_inactivity, disabled_manually. Example: 'workflow-state: deleted'.`
    ],
    [
      { 'keep-open-pull-requests': 'yes' },
      `Input 'keep-open-pull-requests': "yes" is not a boolean.`
    ]
  ])('should refuse %j, naming the input', (given, message) => {
    expect(() => read({ operation: 'delete-runs', 'older-than': '30d', ...given })).toThrow(message)
  })
})
