import { describe, expect, it } from '@jest/globals'
import {
  ALPHANUMERIC,
  generateSecretValue,
  type RandomSource
} from '../../src/operations/rotate-secrets/secret-values.js'
import type { SecretEncoding } from '../../src/operations/rotate-secrets/settings.js'

/** A random source that hands out `bytes` in order, cycling, and records what was asked. */
function scripted(bytes: number[]): RandomSource & { asked: number[] } {
  let next = 0
  const asked: number[] = []
  const source = (size: number): Uint8Array => {
    asked.push(size)
    return Uint8Array.from({ length: size }, () => bytes[next++ % bytes.length] ?? 0)
  }
  return Object.assign(source, { asked })
}

describe('generateSecretValue', () => {
  describe.each<[SecretEncoding, number, RegExp]>([
    ['base64url', 43, /^[A-Za-z0-9_-]{43}$/],
    ['base64', 44, /^[A-Za-z0-9+/]{43}=$/],
    ['hex', 64, /^[0-9a-f]{64}$/],
    ['alphanumeric', 32, /^[A-Za-z0-9]{32}$/]
  ])('with encoding %s and length 32', (encoding, characters, shape) => {
    it(`should give ${characters} characters of that alphabet`, () => {
      const value = generateSecretValue(32, encoding)
      expect(value).toHaveLength(characters)
      expect(value).toMatch(shape)
    })
    it('should never repeat itself', () => {
      const values = new Set(Array.from({ length: 50 }, () => generateSecretValue(32, encoding)))
      expect(values.size).toBe(50)
    })
  })

  it('should encode exactly the bytes the random source gives', () => {
    const bytes = [0xde, 0xad, 0xbe, 0xef]
    expect(generateSecretValue(4, 'hex', scripted(bytes))).toBe('deadbeef')
    expect(generateSecretValue(4, 'base64', scripted(bytes))).toBe('3q2+7w==')
    expect(generateSecretValue(4, 'base64url', scripted(bytes))).toBe('3q2-7w')
  })

  it('should count characters, not bytes, for alphanumeric', () => {
    expect(generateSecretValue(100, 'alphanumeric')).toHaveLength(100)
  })

  it('should map bytes below 248 to byte % 62 and reject the rest (no modulo bias)', () => {
    // 0 → A, 61 → 9, 62 → A again, 247 → 247 % 62 = 61 → 9; 248..255 are drawn again.
    const source = scripted([248, 0, 255, 61, 62, 250, 247])
    expect(generateSecretValue(4, 'alphanumeric', source)).toBe('A9A9')
  })

  it('should keep drawing when the source gives only rejected bytes for a while', () => {
    const rejected = Array.from({ length: 40 }, () => 249)
    const source = scripted([...rejected, 1])
    expect(generateSecretValue(3, 'alphanumeric', source)).toBe('BBB')
    expect(source.asked.length).toBeGreaterThan(1)
  })

  it('should spread alphanumeric characters evenly', () => {
    const counts = new Map<string, number>()
    for (const char of generateSecretValue(62_000, 'alphanumeric')) {
      counts.set(char, (counts.get(char) ?? 0) + 1)
    }
    expect(counts.size).toBe(ALPHANUMERIC.length)
    // Expected 1,000 each; a biased mapping would push the first 8 characters near 1,130.
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(160)
  })

  it.each([0, -1, 1.5, Number.NaN])('should refuse length %p', length => {
    expect(() => generateSecretValue(length, 'hex')).toThrow(RangeError)
  })
})
