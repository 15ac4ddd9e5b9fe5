import { describe, expect, it } from '@jest/globals'
import { aRun } from '../../__fixtures__/runs.js'
import { findStaleRuns, groupKey } from '../../src/operations/cancel-stale/rules.js'
import { formatDuration as formatAge } from '../../src/rules/durations.js'

const now = new Date('2026-11-22T12:00:00Z')
const at = (hh: number, mm = 0): string =>
  `2026-11-22T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00Z`
const ids = (stale: Array<{ run: { id: number } }>): number[] => stale.map(entry => entry.run.id)

describe('findStaleRuns', () => {
  describe('when runs of one group are active', () => {
    const runs = [
      aRun({ id: 1, created_at: at(9) }),
      aRun({ id: 2, created_at: at(10) }),
      aRun({ id: 3, created_at: at(11) })
    ]
    it('should keep the newest and supersede the others, oldest first', () => {
      const stale = findStaleRuns(runs, { keepLatest: 1, now })
      expect(ids(stale)).toEqual([1, 2])
      expect(stale[0]?.reason).toBe('superseded by run 3')
    })
    it('should keep the newest two with keepLatest 2', () => {
      expect(ids(findStaleRuns(runs, { keepLatest: 2, now }))).toEqual([1])
    })
    it('should never return the current run, even when superseded', () => {
      expect(ids(findStaleRuns(runs, { keepLatest: 1, now, currentRunId: 1 }))).toEqual([2])
    })
    it('should return only selected runs, each still superseded by runs not selected', () => {
      const stale = findStaleRuns(runs, { keepLatest: 1, now, select: run => run.id === 1 })
      expect(stale.map(entry => [entry.run.id, entry.reason])).toEqual([[1, 'superseded by run 3']])
    })
  })

  describe('when runs differ in workflow, event, branch or head repository', () => {
    it('should not group them', () => {
      const runs = [
        aRun({ id: 1, created_at: at(9) }),
        aRun({ id: 2, created_at: at(10), workflow_id: 12 }),
        aRun({ id: 3, created_at: at(10), event: 'pull_request' }),
        aRun({ id: 4, created_at: at(10), head_branch: 'feature/x' }),
        aRun({ id: 5, created_at: at(10), head_repository_full_name: 'mallory/web' })
      ]
      expect(findStaleRuns(runs, { keepLatest: 1, now })).toEqual([])
    })
    it('should group a fork branch only with runs of the same fork', () => {
      expect(groupKey(aRun({ head_repository_full_name: 'mallory/web' }))).not.toEqual(
        groupKey(aRun())
      )
    })
  })

  describe('when stale-after is set', () => {
    it('should mark runs older than the cutoff even if they are the newest of their group', () => {
      const runs = [
        aRun({ id: 1, created_at: at(5) }),
        aRun({ id: 2, created_at: at(11), head_branch: 'dev' })
      ]
      const stale = findStaleRuns(runs, { keepLatest: 1, staleAfterSeconds: 6 * 3600, now })
      expect(ids(stale)).toEqual([1])
      expect(stale[0]?.reason).toBe('older than 6h')
    })
    it('should keep runs created exactly at the cutoff', () => {
      expect(
        findStaleRuns([aRun({ created_at: at(6) })], {
          keepLatest: 1,
          staleAfterSeconds: 6 * 3600,
          now
        })
      ).toEqual([])
    })
  })

  it('should break ties in created_at by id', () => {
    const runs = [aRun({ id: 8, created_at: at(10) }), aRun({ id: 9, created_at: at(10) })]
    expect(ids(findStaleRuns(runs, { keepLatest: 1, now }))).toEqual([8])
  })
})

describe('formatAge', () => {
  it.each([
    [90, '1m30s'],
    [5400, '1h30m'],
    [86400 * 2, '2d'],
    [0, '0s']
  ])('formats %d seconds as %s', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text)
  })
})
