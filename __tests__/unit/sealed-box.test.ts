import { describe, expect, it } from '@jest/globals'
import sodium from 'libsodium-wrappers'
import { decodePublicKey, sealSecretValue } from '../../src/operations/rotate-secrets/sealed-box.js'

async function keyPair(): Promise<{ key_id: string; key: string; open: (b64: string) => string }> {
  await sodium.ready
  const pair = sodium.crypto_box_keypair()
  return {
    key_id: '568250167242549743',
    key: sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL),
    open: sealed =>
      sodium.to_string(
        sodium.crypto_box_seal_open(
          sodium.from_base64(sealed, sodium.base64_variants.ORIGINAL),
          pair.publicKey,
          pair.privateKey
        )
      )
  }
}

describe('sealSecretValue', () => {
  it('should give standard base64 that only the key pair opens, to the exact UTF-8 value', async () => {
    const pair = await keyPair()
    const value = 'pa$$ wörd ✓\nsecond line'
    const sealed = await sealSecretValue(value, pair)
    expect(sealed).toMatch(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/)
    expect(sealed).not.toContain('pa$$')
    expect(pair.open(sealed)).toBe(value)
    const other = await keyPair()
    expect(() => other.open(sealed)).toThrow()
  })

  it('should seal the same value differently each time (ephemeral key)', async () => {
    const pair = await keyPair()
    expect(await sealSecretValue('same', pair)).not.toBe(await sealSecretValue('same', pair))
  })

  it('should refuse a key that is not 32 bytes, naming the key_id and not the value', async () => {
    const short = { key_id: '42', key: Buffer.from('short').toString('base64') }
    await expect(sealSecretValue('hunter2', short)).rejects.toThrow(/key_id 42 has 5 bytes/)
    await expect(sealSecretValue('hunter2', short)).rejects.not.toThrow(/hunter2/)
  })
})

describe('decodePublicKey', () => {
  it('should give the 32 bytes of a good key', async () => {
    const pair = await keyPair()
    expect(await decodePublicKey(pair)).toHaveLength(32)
  })
  it.each([
    ['not base64', 'not base64!', /key_id 7 is not base64/],
    ['31 bytes', Buffer.alloc(31, 1).toString('base64'), /key_id 7 has 31 bytes, not 32/]
  ])('should refuse a key that is %s, naming its key_id', async (_case, key, message) => {
    await expect(decodePublicKey({ key_id: '7', key })).rejects.toThrow(message)
  })
})
