/**
 * Reading a job's log to look for a flaky-failure signature. GitHub answers the log request with a
 * 302 to a short-lived URL on its log storage (another host); the API token must not travel there,
 * so the redirect is not followed by the API client: its `Location` is downloaded without any
 * credentials, into the runner's temporary directory, and only its tail is read, line by line.
 *
 * The download is not `@actions/tool-cache`'s `downloadTool` (4.0.0), although it uses the same
 * `@actions/http-client` underneath (so proxies are honoured alike), because `downloadTool`:
 * - gives an attempt that gets no answer up to http-client's 3 minutes, and a caller can neither
 *   shorten nor cancel that: a silent log host would hold each log for over 9 minutes, where
 *   here an attempt is abandoned after the scaled request timeout;
 * - makes exactly 3 attempts, and waits 10–20 s between them, settable only through process-wide
 *   `TEST_DOWNLOAD_TOOL_RETRY_*_SECONDS` globals in whole seconds;
 * - writes its lines with `@actions/core` itself, and on a timeout prints the URL's path and query
 *   (the signature), which the mask of the whole URL does not cover;
 * - forwards an `Authorization` header across a redirect that keeps the host name, even to another
 *   port, so it must never be given the API's log URL with the token.
 */
import { log } from '../log.js'
import { HttpClient } from '@actions/http-client'
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { messageOf } from '../boundary/api-errors.js'
import { MAX_RETRIES, type Octokit } from '../boundary/client.js'
import type { PacingSettings, RepositoryRef } from '../settings.js'

/**
 * The most bytes of one log that are read (16 MiB), from its end: the error that failed a job is
 * near the end of its log, and a huge log must not hold the step for long.
 */
const LOG_TAIL_BYTES = 16 * 1024 * 1024

/** The log storage refused the download, or never answered, on every attempt. */
export class LogDownloadError extends Error {
  /**
   * @param httpStatus the status of the last answer; undefined when the last attempt got none.
   * @param detail what went wrong on the last attempt, without the signed URL.
   */
  constructor(
    readonly jobId: number,
    readonly httpStatus: number | undefined,
    detail: string,
    attempts: number
  ) {
    super(
      `could not download the log of job ${jobId} from GitHub's log storage (${detail}${
        attempts > 1 ? `, ${attempts} attempts` : ''
      })`
    )
    this.name = 'LogDownloadError'
  }
}

/** How a log download is paced: the client's retry backoff base and request timeout. */
export type LogDownloadPacing = Pick<PacingSettings, 'retryBaseMs' | 'requestTimeoutMs'>

/**
 * Whether any line of the log of job `jobId` satisfies `matches`.
 *
 * Calls `GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs` without following its 302, then
 * downloads the `Location` unauthenticated (see {@link downloadLog}; into `RUNNER_TEMP`, or the
 * system's temporary directory outside a runner) and reads at most the last `tailBytes` bytes,
 * without the partial line they start in (see {@link logTailMatches}).
 * The downloaded file is deleted before returning.
 * @param pacing retry backoff base and timeout of the download (`settings.pacing`).
 * @param tailBytes bytes read from the end of the log (default {@link LOG_TAIL_BYTES}).
 * @throws the API's error for the log request (404 when the log is gone, 403 without
 *   `actions: read`); {@link LogDownloadError} when the log storage refuses the download; Error when
 *   GitHub answers without a redirect.
 */
export async function jobLogMatches(
  octokit: Octokit,
  repository: RepositoryRef,
  jobId: number,
  matches: (line: string) => boolean,
  pacing: LogDownloadPacing,
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
  // The URL is a credential for about a minute.
  log.mask(location)
  const file = join(
    process.env.RUNNER_TEMP || tmpdir(),
    `actions-ops-job-${jobId}-${randomUUID()}.log`
  )
  try {
    await downloadLog(location, file, jobId, pacing)
    return await logTailMatches(file, matches, tailBytes)
  } finally {
    await rm(file, { force: true })
  }
}

/**
 * Downloads `url` into `file` (replaced on each attempt) with `GET` and no credentials, through
 * `@actions/http-client` (which honours the runner's proxy settings). An attempt that gets no
 * answer, a 5xx, 408 or 429 is retried up to `MAX_RETRIES` times after 1×, 4×, 9×
 * `pacing.retryBaseMs`, like the API client's requests; an attempt whose connection stays silent
 * for `pacing.requestTimeoutMs` is abandoned. Other statuses (403: the URL expired; 404) end it.
 * @throws {@link LogDownloadError} after the last failed attempt; its message never holds the URL.
 */
export async function downloadLog(
  url: string,
  file: string,
  jobId: number,
  pacing: LogDownloadPacing
): Promise<void> {
  const http = new HttpClient('actions-ops', [], {
    allowRetries: false,
    socketTimeout: pacing.requestTimeoutMs
  })
  try {
    for (let retry = 0; ; retry++) {
      let status: number | undefined
      let detail: string
      try {
        status = await downloadOnce(http, url, file)
        if (status === 200) return
        detail = `HTTP ${status}`
      } catch (error) {
        status = undefined
        detail = withoutUrl(messageOf(error), url)
      }
      const retriable = status === undefined || status >= 500 || status === 408 || status === 429
      if (!retriable || retry >= MAX_RETRIES) {
        throw new LogDownloadError(jobId, status, detail, retry + 1)
      }
      const waitMs = pacing.retryBaseMs * (retry + 1) ** 2
      log.info(
        `The log of job ${jobId} could not be downloaded (${detail}); trying again in ${Math.round(waitMs)} ms.`
      )
      await sleep(waitMs)
    }
  } finally {
    http.dispose()
  }
}

/**
 * One attempt: the answer's status, with the body written to `file` when it is 200.
 * @throws the network's error when no answer came or the body broke off.
 */
async function downloadOnce(http: HttpClient, url: string, file: string): Promise<number> {
  const response = await http.get(url)
  const status = response.message.statusCode ?? 0
  if (status !== 200) {
    // Read the refusal to its end, so the connection is free for the next attempt.
    await response.readBody()
    return status
  }
  await pipeline(response.message, createWriteStream(file))
  return status
}

/** `message` without the signed URL, whole or as the path and query a timeout error names. */
function withoutUrl(message: string, url: string): string {
  const { pathname, search } = new URL(url)
  return message
    .split(url)
    .join('the log URL')
    .split(pathname + search)
    .join('the log URL')
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
    log.info(`The log is ${size} bytes; only its last ${tailBytes} bytes are searched.`)
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
