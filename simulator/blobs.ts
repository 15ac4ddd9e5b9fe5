/**
 * The blob storage GitHub's log downloads redirect to, as a second HTTP server: another origin than
 * the API, short-lived signed URLs (GitHub's last about a minute), and a record of every request,
 * including whether an `Authorization` header reached it. The API token must never travel there:
 * a request that carries one is answered 400 and recorded as a violation. Faults can be injected
 * like the API's (`faults`), to see a download fail and recover.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as delay } from 'node:timers/promises'
import { FaultSet, type FaultInjector, type FaultKind } from './faults.js'

/** How long a signed URL stays valid, in milliseconds of real time (GitHub's log URLs: ~1 minute). */
export const BLOB_URL_TTL_MS = 60_000

/** One request the blob host received. */
export interface BlobRequest {
  method: string
  /** Path without the query (the signature). */
  path: string
  /** Whether an `Authorization` header was sent (it never should be). */
  authorization: 'present' | 'absent'
  /** Status answered; 0 when the connection was dropped or left hanging by a fault. */
  status: number
  /** Real time, epoch milliseconds. */
  at: number
  /** The fault applied to it, if any. */
  fault?: FaultKind
}

/** A violation of the blob host's rules, in the shape of the simulator's violations. */
export interface BlobViolation {
  method: string
  path: string
  reason: string
  errors: string[]
}

export interface BlobHost {
  /** Origin of the blob host, e.g. `http://127.0.0.1:PORT` (not the API's). */
  url: string
  requests: BlobRequest[]
  /**
   * Fault rules for the blob host, matched on the method and the path without the query (e.g.
   * `{ path: /job-logs/, times: 2, kind: 'status', status: 503 }`). `status` answers in the
   * storage's XML dialect (500 `InternalError`, 503 `ServerBusy`, …); `secondary-rate-limit` is the
   * storage's throttling answer, 503 `ServerBusy` with `retry-after`; `drop` closes the connection
   * without an answer; `hang` never answers (until `close`); `latency` delays the answer
   * (`delayMs`, default 1000). `after` has no meaning here: a download changes nothing.
   */
  faults: FaultInjector
  /**
   * Stores `text` (served as `text/plain`) and returns a signed URL for it, valid for `ttlMs`
   * milliseconds of real time.
   */
  put(text: string, ttlMs?: number): string
  /** Stops listening and closes every connection. */
  close(): Promise<void>
}

/** The storage's error code and message for a status a fault answers with (Azure Blob Storage's). */
const STORAGE_ERRORS: Record<number, [string, string]> = {
  500: ['InternalError', 'The server encountered an internal error. Please retry the request.'],
  502: ['InternalError', 'The server encountered an internal error. Please retry the request.'],
  503: [
    'ServerBusy',
    'The server is currently unable to receive requests. Please retry your request.'
  ],
  429: ['ServerBusy', 'Operations per second is over the account limit.'],
  403: ['AuthenticationFailed', 'Signature not valid in the specified time frame.']
}

interface Blob {
  text: string
  signature: string
  expiresAt: number
}

/**
 * Starts a blob host on a free port of 127.0.0.1.
 * @param onViolation called when a client sends a request it must not (an `Authorization` header).
 * @throws Error when the server cannot listen.
 */
export async function startBlobHost(
  onViolation: (violation: BlobViolation) => void
): Promise<BlobHost> {
  const blobs = new Map<string, Blob>()
  const requests: BlobRequest[] = []
  const faults = new FaultSet()
  const closed = new AbortController()
  const server = createServer((req, res) => {
    void handle(req, res)
  })
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://blob.invalid')
    const method = (req.method ?? 'GET').toUpperCase()
    const record: BlobRequest = {
      method,
      path: url.pathname,
      authorization: req.headers.authorization === undefined ? 'absent' : 'present',
      status: 0,
      at: Date.now()
    }
    requests.push(record)
    const answer = (status: number, body: string, type = 'application/xml'): void => {
      record.status = status
      res.writeHead(status, {
        'content-type': `${type}; charset=utf-8`,
        'content-length': String(Buffer.byteLength(body))
      })
      res.end(method === 'HEAD' ? undefined : body)
    }
    // Storage answers in its own XML dialect; the codes are the ones Azure Blob Storage uses.
    const error = (status: number, code: string, message: string): void =>
      answer(
        status,
        `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
      )
    if (record.authorization === 'present') {
      onViolation({
        method,
        path: url.pathname,
        reason: 'Authorization header sent to the log storage host',
        errors: ['the API token must not be sent to the redirect target of a log download']
      })
      error(
        400,
        'InvalidAuthenticationInfo',
        'Authentication information is not given in the correct format.'
      )
      return
    }
    const fault = faults.take({ method, path: url.pathname })
    if (fault) record.fault = fault.kind
    if (fault?.kind === 'latency') {
      const waited = await delay(fault.delayMs ?? 1000, true, { signal: closed.signal }).catch(
        () => false
      )
      if (!waited) return
    } else if (fault?.kind === 'drop') {
      res.socket?.destroy()
      return
    } else if (fault?.kind === 'hang') {
      // Only the client giving up, or close(), ends it.
      return
    } else if (fault) {
      const status = fault.kind === 'secondary-rate-limit' ? 503 : (fault.status ?? 500)
      if (fault.kind === 'secondary-rate-limit' || fault.retryAfterSeconds !== undefined) {
        res.setHeader('retry-after', String(fault.retryAfterSeconds ?? 1))
      }
      error(status, ...(STORAGE_ERRORS[status] ?? STORAGE_ERRORS[500]!))
      return
    }
    if (method !== 'GET' && method !== 'HEAD') {
      error(405, 'UnsupportedHttpVerb', 'The resource does not support the specified HTTP verb.')
      return
    }
    const blob = blobs.get(url.pathname)
    if (!blob) {
      error(404, 'BlobNotFound', 'The specified blob does not exist.')
      return
    }
    if (url.searchParams.get('sig') !== blob.signature || Date.now() > blob.expiresAt) {
      error(403, 'AuthenticationFailed', 'Signature not valid in the specified time frame.')
      return
    }
    answer(200, blob.text, 'text/plain')
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let closing: Promise<void> | undefined
  return {
    url: origin,
    requests,
    put(text, ttlMs = BLOB_URL_TTL_MS) {
      const path = `/actions-results/${randomUUID()}/logs/job/job-logs.txt`
      const signature = randomBytes(16).toString('hex')
      const expiresAt = Date.now() + ttlMs
      blobs.set(path, { text, signature, expiresAt })
      const expiry = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z')
      return `${origin}${path}?sp=r&se=${encodeURIComponent(expiry)}&sig=${signature}`
    },
    faults,
    async close() {
      closed.abort()
      closing ??= new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await closing
    }
  }
}
