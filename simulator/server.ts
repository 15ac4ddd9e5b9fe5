/**
 * The simulator's HTTP server: one pipeline every request goes through (GHES prefix, validation
 * against GitHub's description, faults, authentication, rate limit, repository access, dispatch
 * by operationId) and the public `startSimulator`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  canSee,
  findCaller,
  forbiddenMessage,
  readCredentials,
  REQUIRED_PERMISSIONS,
  satisfies,
  type Caller
} from './auth.js'
import { startBlobHost, type BlobHost } from './blobs.js'
import { etagOf, matchesIfNoneMatch } from './conditional.js'
import { faultResponse, FaultSet, type FaultInjector, type FaultKind } from './faults.js'
import { loadRequestValidator, type RequestValidator } from './openapi.js'
import { bucketFor, consume, rateLimitHeaders } from './rate-limit.js'
import { ApiError, errorResponse, notFound, type ApiResponse } from './responses.js'
import { createRouter, type HandlerContext, type Router } from './router.js'
import { registerAllRoutes } from './routes/index.js'
import type { Scenario } from './scenario.js'
import { createState, findRepository, type RateLimitBucket, type SimState } from './state.js'

/** Path prefix of GitHub Enterprise Server's REST API. */
export const GHES_PREFIX = '/api/v3'

/** Operations that do not count against the rate limit (GitHub exempts `GET /rate_limit`). */
const UNMETERED = new Set(['rate-limit/get'])

export interface SimulatorOptions {
  /** Initial state; deep-copied, so the caller's object is never changed. */
  scenario: Scenario
  /**
   * Every API answer is sent no sooner than this many milliseconds after its request arrived
   * (default 0). The simulator's own work counts toward it, as a server's does toward its response
   * time, so a big listing costs what a small one does.
   */
  latencyMs?: number
  /** Clock for timestamps and rate-limit windows (default: the scenario's `now`, else real time). */
  now?: () => Date
  /** Port to listen on (default 0: a free one, which tests should use). */
  port?: number
}

/** One request the simulator received. */
export interface RecordedRequest {
  method: string
  /** Path without the `/api/v3` prefix and query. */
  path: string
  query: Record<string, string>
  /** Status answered; 0 when the connection was dropped or left hanging by a fault. */
  status: number
  /** The operation the request validated as (also set for some requests that failed validation). */
  operationId?: string
  /** Whether an `Authorization` header with a token was sent. */
  token?: 'present' | 'absent'
  /** When it arrived, real time in epoch milliseconds (not the simulator clock). */
  at: number
  /** The fault applied to it, if any. */
  fault?: FaultKind
  /**
   * The status the simulator's handler answered when a fault replaced that answer afterwards (a
   * lost answer: the request took effect, the client never learned it). Unset otherwise.
   */
  handledStatus?: number
  /** Whether it came with the `/api/v3` prefix. */
  ghes?: boolean
  /** Whether it carried `If-None-Match` (a conditional request; answered 304 when it matched). */
  conditional?: boolean
}

/** A request GitHub would not have served as the client meant it (bad path, bad parameters...). */
export interface Violation {
  method: string
  path: string
  reason: string
  errors: string[]
}

export interface Simulator {
  /** `http://127.0.0.1:PORT`; append `/api/v3` for a GHES-style base URL. */
  url: string
  /** Live, mutable state. */
  state: SimState
  requests: RecordedRequest[]
  violations: Violation[]
  faults: FaultInjector
  /**
   * The log storage host that log downloads redirect to: another origin, with its own request
   * record (`blobs.requests`, including whether an `Authorization` header reached it).
   */
  blobs: BlobHost
  /** How many recorded requests match `filter` (method case-insensitive). */
  requestCount(filter?: { method?: string; operationId?: string }): number
  /** Stops listening and closes every connection, hanging ones included. */
  close(): Promise<void>
}

let cachedValidator: RequestValidator | undefined

/**
 * Starts a simulator on a free port of 127.0.0.1.
 *
 * @throws Error when the server cannot listen, or when two route files register one operation.
 */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  cachedValidator ??= loadRequestValidator()
  const validator = cachedValidator
  const scenarioNow = options.scenario.now
  const now =
    options.now ?? (scenarioNow === undefined ? () => new Date() : () => new Date(scenarioNow))
  const router = createRouter()
  registerAllRoutes(router)

  const faults = new FaultSet()
  const lifetime = new AbortController()
  const violations: Violation[] = []
  const blobs = await startBlobHost(violation => violations.push(violation))
  const sim: Omit<Simulator, 'url' | 'close'> = {
    state: createState(options.scenario, now()),
    requests: [],
    violations,
    faults,
    blobs,
    requestCount(filter = {}) {
      return this.requests.filter(
        r =>
          (filter.method === undefined || r.method === filter.method.toUpperCase()) &&
          (filter.operationId === undefined || r.operationId === filter.operationId)
      ).length
    }
  }

  let origin = ''
  let requestCounter = 0
  const pipeline: Pipeline = {
    sim,
    validator,
    router,
    faults,
    now,
    latencyMs: options.latencyMs ?? 0,
    signal: lifetime.signal,
    origin: () => origin,
    nextRequestId: () => {
      requestCounter += 1
      return `5E1D:${requestCounter.toString(16).toUpperCase().padStart(6, '0')}:0:0:0`
    }
  }

  const server = createServer((req, res) => {
    handle(pipeline, req, res).catch((error: unknown) => {
      // Only reached when writing itself failed (the client went away): nothing left to tell.
      if (!res.headersSent && !res.destroyed) res.destroy(error as Error)
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  }).catch(async (error: unknown) => {
    await blobs.close()
    throw error
  })
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  let closing: Promise<void> | undefined

  return Object.assign(sim, {
    url: origin,
    async close(): Promise<void> {
      // Idempotent: tests often close in afterEach after a test already did.
      closing ??= Promise.all([
        new Promise<void>(resolve => {
          lifetime.abort()
          server.close(() => resolve())
          server.closeAllConnections()
        }),
        blobs.close()
      ]).then(() => undefined)
      await closing
    }
  })
}

interface Pipeline {
  sim: Omit<Simulator, 'url' | 'close'>
  validator: RequestValidator
  router: Router
  faults: FaultSet
  now: () => Date
  latencyMs: number
  /** Aborted by close(): pending delays give up instead of answering into closed sockets. */
  signal: AbortSignal
  origin: () => string
  nextRequestId: () => string
}

/** What one request is, once read. */
interface Incoming {
  method: string
  path: string
  url: URL
  apiBase: string
  rawBody: string
  credentials: ReturnType<typeof readCredentials>
  record: RecordedRequest
  requestId: string
}

async function handle(p: Pipeline, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', p.origin())
  const ghes = url.pathname === GHES_PREFIX || url.pathname.startsWith(`${GHES_PREFIX}/`)
  const path = ghes ? url.pathname.slice(GHES_PREFIX.length) || '/' : url.pathname
  const method = (req.method ?? 'GET').toUpperCase()
  const credentials = readCredentials(req.headers.authorization)
  const record: RecordedRequest = {
    method,
    path,
    query: Object.fromEntries(url.searchParams),
    status: 0,
    token: credentials.kind === 'token' ? 'present' : 'absent',
    at: Date.now()
  }
  if (ghes) record.ghes = true
  const ifNoneMatch = req.headers['if-none-match']
  if (ifNoneMatch !== undefined) record.conditional = true
  p.sim.requests.push(record)
  const incoming: Incoming = {
    method,
    path,
    url,
    apiBase: p.origin() + (ghes ? GHES_PREFIX : ''),
    rawBody: await readBody(req),
    credentials,
    record,
    requestId: p.nextRequestId()
  }

  const parsed = parseBody(incoming.rawBody)
  const check = p.validator.check({ method, path, query: url.searchParams, body: parsed.value })
  const operationId = check.ok ? check.match.operationId : check.operationId
  if (operationId !== undefined) record.operationId = operationId

  const fault = p.faults.take({ method, path, operationId })
  if (fault) record.fault = fault.kind
  if (fault?.kind === 'latency') {
    if (!(await delay(fault.delayMs ?? 1000, p.signal))) return
  }
  const interrupting = fault && fault.kind !== 'latency' ? fault : undefined
  const caller =
    credentials.kind === 'token' ? findCaller(p.sim.state, credentials.token) : undefined
  const bucketOf = (): RateLimitBucket | undefined =>
    caller && bucketFor(p.sim.state, caller, p.now().getTime())

  let response: ApiResponse | undefined
  if (!interrupting || interrupting.after === 'after-handler') {
    response = await answer(p, incoming, parsed, check, caller)
    if (method === 'GET' && response.status === 200) {
      const token = credentials.kind === 'token' ? credentials.token : undefined
      const etag = etagOf(token, JSON.stringify(response.body ?? {}))
      response = { ...response, headers: { ...response.headers, etag } }
      if (matchesIfNoneMatch(ifNoneMatch, etag)) {
        // Unchanged: no body, and the point the request spent is given back.
        const bucket = bucketOf()
        if (bucket && operationId !== undefined && !UNMETERED.has(operationId)) {
          bucket.remaining = Math.min(bucket.limit, bucket.remaining + 1)
        }
        response = { status: 304, headers: { etag } }
      }
    }
    if (interrupting) record.handledStatus = response.status
  }
  if (interrupting) {
    if (interrupting.kind === 'drop') {
      record.status = 0
      res.socket?.destroy()
      return
    }
    // A hung request is only ended by the client giving up or by close().
    if (interrupting.kind === 'hang') return
    response = faultResponse(interrupting, incoming.requestId)
  }
  if (!response) return
  if (!(await delay(p.latencyMs - (Date.now() - record.at), p.signal))) return
  send(res, incoming, response, rateLimitHeaders(bucketOf(), p.now().getTime()))
}

/** The normal answer to a request, after every check. */
async function answer(
  p: Pipeline,
  incoming: Incoming,
  parsed: ParsedBody,
  check: ReturnType<RequestValidator['check']>,
  caller: Caller | undefined
): Promise<ApiResponse> {
  const { method, path } = incoming
  const violation = (reason: string, errors: string[] = []): void => {
    p.sim.violations.push({ method, path, reason, errors })
  }
  if (parsed.error) {
    violation('Problems parsing JSON', [parsed.error])
    return errorResponse(400, 'Problems parsing JSON')
  }
  if (!check.ok) {
    violation(check.message, check.errors)
    return check.status === 404
      ? notFound()
      : errorResponse(422, 'Validation Failed', undefined, { errors: check.errors })
  }
  if (incoming.credentials.kind === 'absent') return errorResponse(401, 'Requires authentication')
  if (!caller) return errorResponse(401, 'Bad credentials')

  const { operationId, pathParams } = check.match
  if (!UNMETERED.has(operationId)) {
    const limited = consume(bucketFor(p.sim.state, caller, p.now().getTime()), caller)
    if (limited) return limited
  }
  const handler = p.router.handlerFor(operationId)
  if (!handler) {
    violation('not simulated', [`${operationId} has no handler in the simulator`])
    return errorResponse(501, `Not simulated: ${operationId}`)
  }

  const requirement = REQUIRED_PERMISSIONS[operationId]
  const accepted = requirement && {
    'x-accepted-github-permissions': `${requirement.scope}=${requirement.level}`
  }
  const owner = pathParams['owner']
  const repoName = pathParams['repo']
  const repo =
    owner === undefined || repoName === undefined
      ? undefined
      : findRepository(p.sim.state, owner, repoName)
  if (owner !== undefined && (!repo || !canSee(caller, repo))) return notFound()
  if (repo && requirement && !satisfies(caller, repo, requirement)) {
    return { ...errorResponse(403, forbiddenMessage(caller)), headers: accepted }
  }

  const ctx: HandlerContext = {
    state: p.sim.state,
    now: p.now,
    operationId,
    params: pathParams,
    query: incoming.url.searchParams,
    body: parsed.value,
    caller,
    url: incoming.url,
    apiBase: incoming.apiBase,
    blobs: p.sim.blobs,
    repository() {
      if (!repo) throw new ApiError(404, 'Not Found')
      return repo
    },
    violation
  }
  try {
    const response = await handler(ctx)
    return accepted ? { ...response, headers: { ...accepted, ...response.headers } } : response
  } catch (error) {
    if (error instanceof ApiError) return error.response
    // A handler bug: answer like GitHub's 500 but say what broke, so tests show it.
    const message = error instanceof Error ? error.message : String(error)
    return errorResponse(500, `Simulator error in ${operationId}: ${message}`)
  }
}

function send(
  res: ServerResponse,
  incoming: Incoming,
  response: ApiResponse,
  rateHeaders: Record<string, string>
): void {
  // A redirect carries only its Location, like GitHub's 302 to a log.
  const hasBody = response.status !== 204 && response.status !== 304 && response.status !== 302
  const text = hasBody ? JSON.stringify(response.body ?? {}) : ''
  const headers: Record<string, string> = {
    ...rateHeaders,
    'x-github-request-id': incoming.requestId,
    'x-github-api-version-selected': '2022-11-28',
    'x-github-media-type': 'github.v3; format=json',
    ...response.headers
  }
  if (hasBody) {
    headers['content-type'] = 'application/json; charset=utf-8'
    headers['content-length'] = String(Buffer.byteLength(text))
  }
  incoming.record.status = response.status
  res.writeHead(response.status, headers)
  res.end(text)
}

interface ParsedBody {
  value: unknown
  error?: string
}

function parseBody(raw: string): ParsedBody {
  if (raw.trim() === '') return { value: undefined }
  try {
    return { value: JSON.parse(raw) as unknown }
  } catch (error) {
    return { value: undefined, error: error instanceof Error ? error.message : String(error) }
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Waits `ms` milliseconds; resolves false instead when `signal` aborts first (server closing). */
async function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false
  if (ms <= 0) return true
  return new Promise(resolve => {
    const onAbort = (): void => {
      clearTimeout(timer)
      resolve(false)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
