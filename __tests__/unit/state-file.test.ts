/**
 * Writing the state file: a temporary file beside it, flushed, then renamed over it. A write that
 * fails at any point (the disk full mid-write, the process gone before the rename) leaves the old
 * file as it was and no temporary file behind.
 */
import { describe, expect, it, jest } from '@jest/globals'
import * as realFs from 'node:fs'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { StoredPage } from '../../src/boundary/conditional.js'

/** What the mocked file system does to the next write: fail mid-write, or fail to rename. */
const fault: { writeAfter?: number; rename?: boolean } = {}

jest.unstable_mockModule('node:fs', () => ({
  ...realFs,
  writeSync: (fd: number, buffer: Buffer, offset: number, length: number): number => {
    if (fault.writeAfter !== undefined) {
      // Some bytes reach the temporary file, then the disk is full.
      realFs.writeSync(fd, buffer, offset, Math.min(length, fault.writeAfter))
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' })
    }
    return realFs.writeSync(fd, buffer, offset, length)
  },
  renameSync: (from: string, to: string): void => {
    if (fault.rename === true) {
      throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' })
    }
    realFs.renameSync(from, to)
  }
}))

const { loadState, saveState } = await import('../../src/boundary/state-file.js')
const { LISTING_SHAPES } = await import('../../src/readers/listing-shapes.js')

const API = 'https://api.github.com'
const page = (etag: string): StoredPage => ({
  etag,
  total_count: 1,
  fields: ['name', 'owner', 'archived'],
  rows: [['web', 'acme', false]]
})
const pages = (etag: string): Map<string, StoredPage> =>
  new Map([['/installation/repositories?per_page=100', page(etag)]])

describe('saveState', () => {
  it('should write version, api and the pages, and read back the same', () => {
    const folder = mkdtempSync(join(tmpdir(), 'actions-ops-state-unit-'))
    const file = join(folder, 'state.json')
    const bytes = saveState(file, API, pages('W/"1"'))
    expect(bytes).toBe(realFs.statSync(file).size)
    expect(loadState(file, API, LISTING_SHAPES)).toEqual({ pages: pages('W/"1"') })
    expect(readdirSync(folder)).toEqual(['state.json'])
    expect(realFs.statSync(file).mode & 0o777).toBe(0o600)
  })

  it.each([
    ['the disk fills up mid-write', { writeAfter: 10 }, /ENOSPC/],
    ['the rename fails', { rename: true }, /EIO/]
  ])('should leave the old file whole and no temporary file when %s', (_, injected, error) => {
    const folder = mkdtempSync(join(tmpdir(), 'actions-ops-state-unit-'))
    const file = join(folder, 'state.json')
    saveState(file, API, pages('W/"old"'))
    const before = readFileSync(file, 'utf8')
    Object.assign(fault, injected)
    try {
      expect(() => saveState(file, API, pages('W/"new"'))).toThrow(error)
    } finally {
      delete fault.writeAfter
      delete fault.rename
    }
    expect(readFileSync(file, 'utf8')).toBe(before)
    expect(readdirSync(folder)).toEqual(['state.json'])
    expect(loadState(file, API, LISTING_SHAPES)).toEqual({ pages: pages('W/"old"') })
  })
})

describe('loadState', () => {
  it('should start fresh without a problem when the file does not exist', () => {
    const folder = mkdtempSync(join(tmpdir(), 'actions-ops-state-unit-'))
    expect(loadState(join(folder, 'none.json'), API, LISTING_SHAPES)).toEqual({ pages: new Map() })
  })

  it('should set aside a file it cannot read, saying why', () => {
    const folder = mkdtempSync(join(tmpdir(), 'actions-ops-state-unit-'))
    expect(loadState(folder, API, LISTING_SHAPES).problem).toMatch(/^could not be read \(EISDIR/)
    const odd = join(folder, 'odd.json')
    writeFileSync(odd, '[]')
    expect(loadState(odd, API, LISTING_SHAPES).problem).toBe('is not a JSON object')
    writeFileSync(odd, JSON.stringify({ version: 1, api: API }))
    expect(loadState(odd, API, LISTING_SHAPES).problem).toBe('has no "listings" object')
    writeFileSync(
      odd,
      JSON.stringify({ version: 1, api: API, listings: { '/repos/a/b/pulls': page('"x"') } })
    )
    expect(loadState(odd, API, LISTING_SHAPES).problem).toBe(
      'holds an entry it cannot use (/repos/a/b/pulls)'
    )
    writeFileSync(
      odd,
      JSON.stringify({
        version: 1,
        api: API,
        listings: { '/installation/repositories': { ...page('"x"'), rows: [['web']] } }
      })
    )
    expect(loadState(odd, API, LISTING_SHAPES).problem).toBe(
      'holds an entry it cannot use (/installation/repositories)'
    )
  })
})
