import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startBlobHost, type BlobHost, type BlobViolation } from '../../simulator/blobs.js'
import { downloadLog, LogDownloadError, logTailMatches } from '../../src/readers/job-logs.js'
import { parseRegExp } from '../../src/inputs/parse.js'
import { lineMatcher } from '../../src/operations/rerun-failed/rules.js'

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
  const search = async (pattern: RegExp, tailBytes: number): Promise<boolean> => {
    const compiled = parseRegExp('log-pattern', pattern.source)
    if (compiled === undefined) throw new Error('an empty pattern')
    return logTailMatches(file, lineMatcher(compiled), tailBytes)
  }

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

describe('downloadLog', () => {
  let host: BlobHost
  let violations: BlobViolation[]
  let dir: string
  // Waits shrunk as ACTIONS_OPS_TIME_SCALE shrinks them: a 1 ms backoff base, a short timeout.
  const pacing = { retryBaseMs: 1, requestTimeoutMs: 30 }
  const text = '2026-12-01T10:00:01.0000000Z Error: ECONNRESET\n'
  beforeEach(async () => {
    violations = []
    host = await startBlobHost(violation => violations.push(violation))
    dir = mkdtempSync(join(tmpdir(), 'job-log-download-'))
  })
  afterEach(async () => {
    await host.close()
    expect(violations).toEqual([])
  })
  const statuses = (): string[] =>
    host.requests.map(r => `${r.status}${r.fault ? ` ${r.fault}` : ''}`)

  it('should recover from 5xx answers and a dropped connection, waiting as the scale says', async () => {
    host.faults.add({ times: 1, kind: 'status', status: 503 })
    host.faults.add({ times: 1, kind: 'drop' })
    host.faults.add({ times: 1, kind: 'status', status: 500 })
    const file = join(dir, 'job.log')
    const started = performance.now()
    await downloadLog(host.put(text), file, 12, pacing)
    // Unscaled, the waits between these four attempts would take seconds.
    expect(performance.now() - started).toBeLessThan(1000)
    expect(readFileSync(file, 'utf8')).toBe(text)
    expect(statuses()).toEqual(['503 status', '0 drop', '500 status', '200'])
  })

  it('should give up after the last retry with the status, never naming the signed URL', async () => {
    host.faults.add({ times: 10, kind: 'status', status: 503 })
    const url = host.put(text)
    const failure = downloadLog(url, join(dir, 'job.log'), 12, pacing)
    await expect(failure).rejects.toThrow(LogDownloadError)
    await expect(failure).rejects.toThrow(
      "could not download the log of job 12 from GitHub's log storage (HTTP 503, 4 attempts)"
    )
    expect(statuses()).toEqual(['503 status', '503 status', '503 status', '503 status'])
  })

  it('should not retry a refusal that answers the same every time (an expired URL)', async () => {
    const url = host.put(text, -1)
    await expect(downloadLog(url, join(dir, 'job.log'), 12, pacing)).rejects.toMatchObject({
      name: 'LogDownloadError',
      httpStatus: 403,
      message: "could not download the log of job 12 from GitHub's log storage (HTTP 403)"
    })
    expect(statuses()).toEqual(['403'])
  })

  it('should abandon an attempt that hangs after the scaled timeout, and name no URL', async () => {
    host.faults.add({ times: 10, kind: 'hang' })
    const url = host.put(text)
    let message = ''
    try {
      await downloadLog(url, join(dir, 'job.log'), 12, pacing)
    } catch (error) {
      message = error instanceof Error ? error.message : String(error)
    }
    expect(message).toMatch(/^could not download the log of job 12 .*4 attempts\)$/)
    expect(message).not.toContain(new URL(url).pathname)
    expect(message).not.toContain(new URL(url).searchParams.get('sig') ?? 'no signature')
    expect(host.requests).toHaveLength(4)
  })
})
