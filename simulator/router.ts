/**
 * Dispatch by operationId. The request validator decides which documented operation a request
 * is; each feature file registers handlers for its operations with `registerRoutes(router)`.
 */
import type { Caller } from './auth.js'
import type { BlobHost } from './blobs.js'
import { ApiError, type ApiResponse } from './responses.js'
import type { RepositoryState, SimState } from './state.js'

/** Everything a handler needs to answer one request. */
export interface HandlerContext {
  state: SimState
  /** The simulator clock. */
  now(): Date
  operationId: string
  /** Path parameters, already URL-decoded (`owner`, `repo`, `run_id`, ...). */
  params: Record<string, string>
  query: URLSearchParams
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown
  /** The authenticated caller (every handled request has one). */
  caller: Caller
  /** Absolute URL as the client addressed it, `/api/v3` prefix and query included (for links). */
  url: URL
  /** API root the client used, e.g. `http://127.0.0.1:PORT/api/v3`; for `url` fields of answers. */
  apiBase: string
  /** The log storage host (another origin): `put` stores a text and returns a short-lived URL. */
  blobs: Pick<BlobHost, 'put'>
  /**
   * The repository named by `{owner}/{repo}`, already checked for visibility and permission.
   * @throws ApiError 404 when the operation has no repository in its path.
   */
  repository(): RepositoryState
  /** Records a violation of GitHub's documented behaviour by the client (kept in `sim.violations`). */
  violation(reason: string, errors?: string[]): void
}

/** Answers one request. May throw {@link ApiError} to answer an error. */
export type Handler = (ctx: HandlerContext) => ApiResponse | Promise<ApiResponse>

export interface Router {
  /** @throws Error when `operationId` already has a handler (two features claiming one route). */
  register(operationId: string, handler: Handler): void
  /** The handler for `operationId`, undefined when not simulated yet. */
  handlerFor(operationId: string): Handler | undefined
  /** Every operationId with a handler. */
  operationIds(): string[]
}

/** An empty router. */
export function createRouter(): Router {
  const handlers = new Map<string, Handler>()
  return {
    register(operationId, handler) {
      if (handlers.has(operationId)) {
        throw new Error(`A handler for ${operationId} is already registered`)
      }
      handlers.set(operationId, handler)
    },
    handlerFor: operationId => handlers.get(operationId),
    operationIds: () => [...handlers.keys()]
  }
}

/**
 * Reads a numeric path parameter (e.g. `run_id`). GitHub answers 404 for ids that are not
 * numbers, so this throws {@link ApiError} 404 too.
 */
export function numericParam(ctx: HandlerContext, name: string): number {
  const raw = ctx.params[name]
  if (raw === undefined || !/^\d+$/.test(raw)) throw new ApiError(404, 'Not Found')
  return Number(raw)
}

/** A JSON answer (200 unless told otherwise). */
export function json(body: unknown, status = 200, headers?: Record<string, string>): ApiResponse {
  return headers ? { status, body, headers } : { status, body }
}
