/**
 * GitHub-shaped answers: the JSON error bodies GitHub sends (`message`, `documentation_url`, and a
 * string `status`), and the error type handlers throw to answer early.
 */

/** GitHub's generic documentation link in error bodies. */
export const DOCS_URL = 'https://docs.github.com/rest'
export const RATE_LIMIT_DOCS_URL =
  'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api'

/** What a handler (or the pipeline) answers: status, JSON body (omitted for 204), extra headers. */
export interface ApiResponse {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

/** A GitHub error body: `{ message, documentation_url, status: "<code>" }` plus extra fields. */
export function errorBody(
  status: number,
  message: string,
  documentationUrl: string = DOCS_URL,
  extra: Record<string, unknown> = {}
): Record<string, unknown> {
  return { message, ...extra, documentation_url: documentationUrl, status: String(status) }
}

/** An error response in GitHub's shape; see {@link errorBody}. */
export function errorResponse(
  status: number,
  message: string,
  documentationUrl?: string,
  extra?: Record<string, unknown>
): ApiResponse {
  return { status, body: errorBody(status, message, documentationUrl, extra) }
}

/**
 * Thrown by handlers to answer with an error right away (e.g. an unknown run → 404). The pipeline
 * catches it and sends `response`.
 */
export class ApiError extends Error {
  readonly response: ApiResponse

  constructor(status: number, message: string, documentationUrl?: string) {
    super(`${status} ${message}`)
    this.name = 'ApiError'
    this.response = errorResponse(status, message, documentationUrl)
  }
}

/** 404 `Not Found`, what GitHub answers for unknown and invisible resources alike. */
export function notFound(): ApiResponse {
  return errorResponse(404, 'Not Found')
}
