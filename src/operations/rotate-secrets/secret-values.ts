/**
 * Fresh secret values for `generate: true`: random bytes from the operating system's CSPRNG
 * (`node:crypto` `randomBytes`), written in the requested encoding. Pure apart from the random
 * source, which tests inject.
 */
import { randomBytes } from 'node:crypto'
import type { SecretEncoding } from './settings.js'

/** Returns `size` random bytes; `node:crypto` `randomBytes` outside tests. */
export type RandomSource = (size: number) => Uint8Array

/** The characters of `alphanumeric` values. */
export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
/**
 * Bytes at or above this are drawn again: 248 is the largest multiple of 62 that fits in a byte,
 * so `byte % 62` is uniform over the bytes below it (no modulo bias).
 */
const ALPHANUMERIC_LIMIT = 256 - (256 % ALPHANUMERIC.length)

/**
 * Generates one secret value.
 * @param length for `base64url`, `base64` and `hex`: bytes of randomness (a 32-byte value is 43,
 *   44 and 64 characters long); for `alphanumeric`: the number of characters (each carries
 *   log2(62) ≈ 5.95 bits).
 * @param encoding `base64url` (no padding), `base64` (with padding), `hex` (lower case) or
 *   `alphanumeric` (A–Z, a–z, 0–9).
 * @param random the randomness; defaults to `node:crypto` `randomBytes`.
 * @throws RangeError when `length` is not a positive integer.
 */
export function generateSecretValue(
  length: number,
  encoding: SecretEncoding,
  random: RandomSource = randomBytes
): string {
  if (!Number.isInteger(length) || length < 1) {
    throw new RangeError(`length must be a positive integer, got ${length}`)
  }
  switch (encoding) {
    case 'base64url':
      return Buffer.from(random(length)).toString('base64url')
    case 'base64':
      return Buffer.from(random(length)).toString('base64')
    case 'hex':
      return Buffer.from(random(length)).toString('hex')
    case 'alphanumeric':
      return alphanumeric(length, random)
  }
}

/** Rejection sampling: keeps only bytes below {@link ALPHANUMERIC_LIMIT}, so every character is equally likely. */
function alphanumeric(length: number, random: RandomSource): string {
  let value = ''
  while (value.length < length) {
    // About 3% of bytes are rejected; ask for a little more than needed to rarely loop.
    const missing = length - value.length
    for (const byte of random(Math.ceil(missing * 1.1) + 4)) {
      if (byte >= ALPHANUMERIC_LIMIT) continue
      value += ALPHANUMERIC[byte % ALPHANUMERIC.length]
      if (value.length === length) break
    }
  }
  return value
}
