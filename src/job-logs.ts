/**
 * Reading a job's log to look for a flaky-failure signature. GitHub answers the log request with a
 * 302 to a short-lived URL on its log storage (another host); the API token must not travel there,
 * so the redirect is not followed by the API client: its `Location` is downloaded without any
 * credentials, into the runner's temporary directory, and only its tail is read, line by line.
 */
import * as core from '@actions/core'
import { downloadTool, HTTPError } from '@actions/tool-cache'
import { randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Octokit } from './client.js'
import type { RepositoryRef } from './settings.js'

/**
 * The most bytes of one log that are read (16 MiB), from its end: the error that failed a job is
 * near the end of its log, and a huge log must not hold the step for long.
 */
export const LOG_TAIL_BYTES = 16 * 1024 * 1024

/** The log storage refused the download (e.g. the URL expired); carries the HTTP status. */
export class LogDownloadError extends Error {
  constructor(
    readonly jobId: number,
    readonly httpStatus: number | undefined,
    cause: unknown
  ) {
    super(
      `could not download the log of job ${jobId} from GitHub's log storage (${
        httpStatus === undefined
          ? cause instanceof Error
            ? cause.message
            : String(cause)
          : `HTTP ${httpStatus}`
      })`
    )
    this.name = 'LogDownloadError'
  }
}

/**
 * Whether any line of the log of job `jobId` satisfies `matches`.
 *
 * Calls `GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs` without following its 302, then
 * downloads the `Location` unauthenticated with `@actions/tool-cache` (into `RUNNER_TEMP`, or the
 * system's temporary directory outside a runner) and reads at most the last `tailBytes` bytes,
 * without the partial line they start in (see {@link logTailMatches}).
 * The downloaded file is deleted before returning.
 * @param tailBytes bytes read from the end of the log (default {@link LOG_TAIL_BYTES}).
 * @throws the API's `RequestError` for the log request (404 when the log is gone, 403 without
 *   `actions: read`); {@link LogDownloadError} when the log storage refuses the download; Error when
 *   GitHub answers without a redirect.
 */
export async function jobLogMatches(
  octokit: Octokit,
  repository: RepositoryRef,
  jobId: number,
  matches: (line: string) => boolean,
  tailBytes = LOG_TAIL_BYTES
): Promise<boolean> {
  const response = await octokit.rest.actions.downloadJobLogsForWorkflowRun({
    ...repository,
    job_id: jobId,
    request: { redirect: 'manual' }
  })
  const location = (response.headers as Record<string, string | undefined>).location
  if ((response.status as number) !== 302 || !location) {
    throw new Error(
      `GET .../actions/jobs/${jobId}/logs answered ${response.status} without a redirect to the log`
    )
  }
  // The URL is a credential for about a minute, and tool-cache writes it to the debug log.
  core.setSecret(location)
  const file = join(
    process.env.RUNNER_TEMP || tmpdir(),
    `actions-ops-job-${jobId}-${randomUUID()}.log`
  )
  try {
    try {
      await downloadTool(location, file)
    } catch (error) {
      throw new LogDownloadError(
        jobId,
        error instanceof HTTPError ? error.httpStatusCode : undefined,
        error
      )
    }
    return await logTailMatches(file, matches, tailBytes)
  } finally {
    await rm(file, { force: true })
  }
}

/**
 * Whether any line of the last `tailBytes` bytes of `file` satisfies `matches`, read line by line
 * as UTF-8. A tail that starts past the beginning starts inside a line (and maybe inside a
 * character): that partial line is dropped, so a fragment never passes for a line that starts so.
 * @param tailBytes bytes read from the end of the file.
 * @throws the file system's error when `file` cannot be read.
 */
export async function logTailMatches(
  file: string,
  matches: (line: string) => boolean,
  tailBytes: number
): Promise<boolean> {
  const { size } = await stat(file)
  const start = Math.max(0, size - tailBytes)
  if (start > 0) {
    core.info(`The log is ${size} bytes; only its last ${tailBytes} bytes are searched.`)
  }
  // From one byte earlier: when that byte ends a line, the dropped "line" is empty and the tail's
  // first line is kept whole. A newline byte never occurs inside a UTF-8 character.
  const stream = createReadStream(file, { encoding: 'utf8', start: Math.max(0, start - 1) })
  const lines = createInterface({ input: stream, crlfDelay: Infinity })
  let partial = start > 0
  try {
    for await (const line of lines) {
      if (partial) {
        partial = false
        continue
      }
      if (matches(line)) return true
    }
    return false
  } finally {
    lines.close()
    stream.destroy()
  }
}
