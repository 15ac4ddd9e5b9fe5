import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { logTailMatches } from '../../src/job-logs.js'
import { lineMatcher } from '../../src/rules/rerun.js'

const LOG = [
  '2026-12-01T10:00:00.0000000Z ##[group]Run npm test',
  '2026-12-01T10:00:01.0000000Z Error: ECONNRESET while fetching the registry',
  '2026-12-01T10:00:02.0000000Z café — ✓ 41 tests passed',
  '2026-12-01T10:00:03.0000000Z ##[error]Process completed with exit code 1.',
  ''
].join('\n')

function logFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'job-log-')), 'job.log')
  writeFileSync(file, text)
  return file
}

/** The tail size that starts the tail `offset` bytes into line `index` (0-based) of LOG. */
function tailInto(index: number, offset: number): number {
  const lines = LOG.split('\n')
  const before = Buffer.byteLength(lines.slice(0, index).join('\n') + (index > 0 ? '\n' : ''))
  return Buffer.byteLength(LOG) - before - offset
}

// A tail that does not start at 0 says so on stdout; keep it out of the test log.
beforeEach(() => {
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
})
afterEach(() => {
  jest.restoreAllMocks()
})

describe('logTailMatches', () => {
  const file = logFile(LOG)
  const search = async (pattern: RegExp, tailBytes: number): Promise<boolean> =>
    logTailMatches(file, lineMatcher(pattern), tailBytes)

  it('should not match the partial line a tail starts in', async () => {
    // The tail starts inside line 1, at "ECONNRESET …": a fragment, not a line that starts so.
    const tail = tailInto(1, LOG.split('\n')[1]?.indexOf('ECONNRESET') ?? 0)
    expect(await search(/^ECONNRESET/, tail)).toBe(false)
    expect(await search(/ECONNRESET/, tail)).toBe(false)
    // The lines after it are whole and still searched.
    expect(await search(/exit code 1/, tail)).toBe(true)
  })
  it('should keep a first line that starts exactly where the tail starts', async () => {
    expect(await search(/Error: ECONNRESET/, tailInto(1, 0))).toBe(true)
  })
  it('should skip a line cut in the middle of a multi-byte character', async () => {
    // "é" is two bytes: start between them.
    const line = LOG.split('\n')[2] ?? ''
    const offset = Buffer.byteLength(line.slice(0, line.indexOf('é'))) + 1
    expect(await search(/\uFFFD|tests passed/, tailInto(2, offset))).toBe(false)
    expect(await search(/café — ✓ 41 tests passed/, tailInto(2, 0))).toBe(true)
  })
  it('should search every line of a log shorter than the tail', async () => {
    expect(await search(/##\[group\]Run npm test/, 1024)).toBe(true)
  })
})
