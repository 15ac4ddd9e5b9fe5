import { describe, expect, it } from '@jest/globals'
import { paginate, readPageRequest } from '../../simulator/pagination.js'
import { parseDateQuery } from '../../simulator/filters.js'

describe('readPageRequest', () => {
  it.each([
    ['', 1, 30],
    ['page=3&per_page=50', 3, 50],
    ['per_page=500', 1, 100],
    ['page=0&per_page=0', 1, 30],
    ['page=abc&per_page=-5', 1, 30]
  ])('%s → page %i, per_page %i', (query, page, perPage) => {
    expect(readPageRequest(new URLSearchParams(query))).toEqual({ page, perPage })
  })
})

describe('paginate', () => {
  const items = Array.from({ length: 25 }, (_, i) => i)
  const url = (query: string): URL => new URL(`http://127.0.0.1:1/api/v3/things?${query}`)

  it('keeps the prefix and other parameters in links', () => {
    const page = paginate(items, url('per_page=10&q=x'))
    expect(page.items).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(page.link).toBe(
      '<http://127.0.0.1:1/api/v3/things?per_page=10&q=x&page=2>; rel="next", ' +
        '<http://127.0.0.1:1/api/v3/things?per_page=10&q=x&page=3>; rel="last"'
    )
  })

  it('caps what can be paged through', () => {
    expect(paginate(items, url('per_page=10&page=2'), { cap: 15 }).items).toEqual([
      10, 11, 12, 13, 14
    ])
    expect(paginate(items, url('per_page=10&page=3'), { cap: 15 }).items).toEqual([])
  })

  it('has no link for a single page', () => {
    expect(paginate([1, 2], url('')).link).toBeUndefined()
  })
})

describe('parseDateQuery', () => {
  const at = (iso: string): number => Date.parse(iso)
  it.each([
    ['>=2026-11-20', '2026-11-20T00:00:00Z', true],
    ['>=2026-11-20', '2026-11-19T23:59:59Z', false],
    ['>2026-11-20', '2026-11-20T23:59:59Z', false],
    ['>2026-11-20', '2026-11-21T00:00:00Z', true],
    ['<=2026-11-20', '2026-11-20T23:59:59Z', true],
    ['<2026-11-20', '2026-11-20T00:00:00Z', false],
    ['2026-11-19..2026-11-20', '2026-11-20T18:00:00Z', true],
    ['2026-11-19..2026-11-20', '2026-11-21T00:00:00Z', false],
    ['2026-11-20..*', '2030-01-01T00:00:00Z', true],
    ['*..2026-11-20', '2000-01-01T00:00:00Z', true],
    ['2026-11-20', '2026-11-20T12:00:00Z', true],
    ['>2026-11-20T12:00:00Z', '2026-11-20T12:00:00Z', false],
    ['>=2026-11-20T12:00:00Z', '2026-11-20T12:00:00Z', true],
    ['>=2026-11-20T13:00:00+01:00', '2026-11-20T12:00:00Z', true]
  ])('%s matches %s: %s', (query, iso, expected) => {
    expect(parseDateQuery(query)?.(at(iso))).toBe(expected)
  })

  it.each(['yesterday', '>=', '2026-13-45', '..'])('rejects %s', query => {
    expect(parseDateQuery(query)).toBeUndefined()
  })
})
