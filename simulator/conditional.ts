/**
 * Conditional requests, as GitHub answers them: every successful GET carries an `ETag` made from
 * its body, and a GET whose `If-None-Match` names the current one is answered `304 Not Modified`
 * without a body, at no primary rate-limit point. Like GitHub's, the validator depends on the
 * token that asked (GitHub's varies with `Authorization`): a validator another token received
 * never matches, so a new token reads every listing in full once.
 */
import { createHash } from 'node:crypto'

/**
 * The `ETag` of an answer: a weak validator, `W/"<sha-256 of the token and the body>"`.
 * @param token the caller's token, or undefined for an anonymous request.
 * @param body the body exactly as sent.
 */
export function etagOf(token: string | undefined, body: string): string {
  const hash = createHash('sha256')
  if (token !== undefined) hash.update(`${token}:`)
  hash.update(body)
  return `W/"${hash.digest('hex')}"`
}

/**
 * Whether an `If-None-Match` header matches `etag`: `*`, or a comma-separated list of validators
 * one of which equals it by weak comparison (a `W/` prefix is ignored on both sides, RFC 9110).
 * @param header the header's value; undefined or empty matches nothing.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined || header.trim() === '') return false
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, '')
  return header
    .split(',')
    .map(tag => tag.trim())
    .some(tag => tag === '*' || opaque(tag) === opaque(etag))
}
