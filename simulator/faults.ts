/**
 * Fault injection: rules that make matching requests fail the way GitHub and networks do
 * (5xx, secondary rate limits, dropped connections, hangs, slowness).
 */
import { errorResponse, RATE_LIMIT_DOCS_URL, type ApiResponse } from './responses.js'

export type FaultKind = 'status' | 'secondary-rate-limit' | 'drop' | 'hang' | 'latency'

export interface FaultRule {
  /** HTTP method to match (case-insensitive); any when omitted. */
  method?: string
  /** Matched on the path without the `/api/v3` prefix and query: a string must equal it. */
  path?: RegExp | string
  /** Matched on the operation the request validated as. */
  operationId?: string
  /** How many matching requests the rule affects before it is spent. */
  times: number
  kind: FaultKind
  /** For `status`: 500 (default), 502, 503, 429 or 403; for `secondary-rate-limit`: 403 (default) or 429. */
  status?: 500 | 502 | 503 | 429 | 403
  /** Sent as `retry-after` (seconds). For `secondary-rate-limit` default 1 (GitHub often says 60). */
  retryAfterSeconds?: number
  /** For `latency`: milliseconds added before the request is handled (default 1000). */
  delayMs?: number
  /**
   * `before-handler` (default): the request has no effect. `after-handler`: the request is handled
   * (state changes) and its answer replaced by the fault, the way a lost answer looks to a client.
   * Not used by `latency`.
   */
  after?: 'before-handler' | 'after-handler'
}

/** The request facts a rule is matched against. */
export interface FaultTarget {
  method: string
  path: string
  operationId?: string
}

export interface FaultInjector {
  /** Adds a rule; rules are tried in the order added, the first unspent match applies. */
  add(rule: FaultRule): void
  /** Removes every rule. */
  clear(): void
}

interface ArmedRule {
  rule: FaultRule
  left: number
}

/** The injector behind `sim.faults`, plus the lookup the server uses. */
export class FaultSet implements FaultInjector {
  private rules: ArmedRule[] = []

  /** @throws Error when `times` is not a positive integer. */
  add(rule: FaultRule): void {
    if (!Number.isInteger(rule.times) || rule.times < 1) {
      throw new Error(`Fault rule times must be a positive integer, got ${rule.times}`)
    }
    this.rules.push({ rule, left: rule.times })
  }

  clear(): void {
    this.rules = []
  }

  /** Finds the first unspent rule matching `target` and spends one use of it. */
  take(target: FaultTarget): FaultRule | undefined {
    const armed = this.rules.find(a => a.left > 0 && matches(a.rule, target))
    if (!armed) return undefined
    armed.left -= 1
    return armed.rule
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.method && rule.method.toUpperCase() !== target.method) return false
  if (rule.operationId && rule.operationId !== target.operationId) return false
  if (typeof rule.path === 'string' && rule.path !== target.path) return false
  if (rule.path instanceof RegExp && !rule.path.test(target.path)) return false
  return true
}

const STATUS_MESSAGES: Record<number, string> = {
  500: 'Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  429: 'Too Many Requests',
  403: 'Forbidden'
}

/**
 * The answer of a `status` or `secondary-rate-limit` rule; undefined for the kinds that do not
 * answer (`drop`, `hang`) or only delay (`latency`). `requestId` goes into the secondary-limit
 * message like GitHub's.
 */
export function faultResponse(rule: FaultRule, requestId: string): ApiResponse | undefined {
  if (rule.kind === 'status') {
    const status = rule.status ?? 500
    const response = errorResponse(status, STATUS_MESSAGES[status] ?? 'Server Error')
    if (rule.retryAfterSeconds !== undefined) {
      response.headers = { 'retry-after': String(rule.retryAfterSeconds) }
    }
    return response
  }
  if (rule.kind === 'secondary-rate-limit') {
    const status = rule.status === 429 ? 429 : 403
    const response = errorResponse(
      status,
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
        `If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
      `${RATE_LIMIT_DOCS_URL}#about-secondary-rate-limits`
    )
    response.headers = { 'retry-after': String(rule.retryAfterSeconds ?? 1) }
    return response
  }
  return undefined
}
