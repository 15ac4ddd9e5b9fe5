import { describe, expect, it } from '@jest/globals'
import {
  describeAccess,
  isWriteVerified,
  orgSecretAccess,
  type OrgSecretAccess
} from '../../src/operations/rotate-secrets/rules.js'
import type { SecretVisibility } from '../../src/settings.js'

const ids150 = Array.from({ length: 150 }, (_, i) => 1000 + i)

describe('orgSecretAccess', () => {
  it.each<
    [
      string,
      { visibility?: SecretVisibility; selectedRepositoryIds: number[] },
      OrgSecretAccess | undefined,
      OrgSecretAccess
    ]
  >([
    [
      'a new secret without visibility is private',
      { selectedRepositoryIds: [] },
      undefined,
      { visibility: 'private' }
    ],
    [
      'an existing secret keeps visibility all',
      { selectedRepositoryIds: [] },
      { visibility: 'all' },
      { visibility: 'all' }
    ],
    [
      'an existing selected secret keeps every selected repository',
      { selectedRepositoryIds: [] },
      { visibility: 'selected', selectedRepositoryIds: ids150 },
      { visibility: 'selected', selectedRepositoryIds: ids150 }
    ],
    [
      'visibility all replaces selected and drops the ids',
      { visibility: 'all', selectedRepositoryIds: [] },
      { visibility: 'selected', selectedRepositoryIds: ids150 },
      { visibility: 'all' }
    ],
    [
      'visibility selected sends the resolved ids, not the old ones',
      { visibility: 'selected', selectedRepositoryIds: [7, 8] },
      { visibility: 'selected', selectedRepositoryIds: ids150 },
      { visibility: 'selected', selectedRepositoryIds: [7, 8] }
    ],
    [
      'visibility private on a new secret',
      { visibility: 'private', selectedRepositoryIds: [] },
      undefined,
      { visibility: 'private' }
    ]
  ])('%s', (_, requested, existing, expected) => {
    expect(orgSecretAccess(requested, existing)).toEqual(expected)
  })

  it('should not share the array it was given', () => {
    const existing: OrgSecretAccess = { visibility: 'selected', selectedRepositoryIds: [1] }
    const access = orgSecretAccess({ selectedRepositoryIds: [] }, existing)
    access.selectedRepositoryIds?.push(2)
    expect(existing.selectedRepositoryIds).toEqual([1])
  })
})

describe('isWriteVerified', () => {
  it.each<[string, string | undefined, string | undefined, boolean]>([
    ['created: it exists now', undefined, '2026-11-22T12:00:00Z', true],
    ['created: still missing', undefined, undefined, false],
    ['updated: updated_at moved', '2026-11-22T11:00:00Z', '2026-11-22T12:00:00Z', true],
    ['updated: updated_at unchanged', '2026-11-22T12:00:00Z', '2026-11-22T12:00:00Z', false],
    ['updated: updated_at went back', '2026-11-22T12:00:00Z', '2026-11-22T11:00:00Z', false],
    ['updated: gone after the write', '2026-11-22T11:00:00Z', undefined, false],
    ['unparsable updated_at', undefined, 'soon', false]
  ])('%s → %p', (_, before, after, expected) => {
    expect(isWriteVerified(before, after)).toBe(expected)
  })
})

describe('describeAccess', () => {
  it.each<[OrgSecretAccess, string]>([
    [{ visibility: 'all' }, 'visibility all'],
    [{ visibility: 'selected', selectedRepositoryIds: [1] }, 'visibility selected (1 repository)'],
    [
      { visibility: 'selected', selectedRepositoryIds: ids150 },
      'visibility selected (150 repositories)'
    ]
  ])('%p → %s', (access, text) => {
    expect(describeAccess(access)).toBe(text)
  })
})
