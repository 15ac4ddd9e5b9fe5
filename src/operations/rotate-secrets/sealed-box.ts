/**
 * Sealing a secret value for GitHub: a libsodium sealed box (`crypto_box_seal`, X25519 +
 * XSalsa20-Poly1305 with an ephemeral key) to the scope's public key. Only GitHub, holding the
 * private key, can open it. No crypto is written here: libsodium-wrappers does all of it.
 */
import type Sodium from 'libsodium-wrappers'

/**
 * libsodium, loaded on first use: its WebAssembly takes about 12 MB, which only rotate-secrets
 * needs. Bundled into the one file all the same (`eager`), evaluated when first asked for.
 */
async function libsodium(): Promise<typeof Sodium> {
  const { default: sodium } = await import(/* webpackMode: "eager" */ 'libsodium-wrappers')
  await sodium.ready
  return sodium
}

/** A scope's public key as `GET .../secrets/public-key` answers it. */
export interface PublicKey {
  /** Sent back with every value sealed to this key. */
  key_id: string
  /** The X25519 public key, standard base64 (32 bytes). */
  key: string
}

/**
 * Decodes a public key and checks it is one libsodium can seal to, so that a malformed key is
 * caught while planning, before any write.
 * @returns the 32 key bytes.
 * @throws Error when the key is not valid standard base64 or not 32 bytes (the message names the
 *   key_id).
 */
export async function decodePublicKey(publicKey: PublicKey): Promise<Uint8Array> {
  const sodium = await libsodium()
  let key: Uint8Array
  try {
    key = sodium.from_base64(publicKey.key, sodium.base64_variants.ORIGINAL)
  } catch {
    throw new Error(`the public key with key_id ${publicKey.key_id} is not base64`)
  }
  if (key.length !== sodium.crypto_box_PUBLICKEYBYTES) {
    throw new Error(
      `the public key with key_id ${publicKey.key_id} has ${key.length} bytes, not ${sodium.crypto_box_PUBLICKEYBYTES}`
    )
  }
  return key
}

/**
 * Seals `value` (UTF-8) to `publicKey`.
 * @returns the sealed box in standard base64, as `encrypted_value` expects.
 * @throws Error when the key is not valid base64 or not 32 bytes (the message names the key_id,
 *   never the value).
 */
export async function sealSecretValue(value: string, publicKey: PublicKey): Promise<string> {
  const key = await decodePublicKey(publicKey)
  const sodium = await libsodium()
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), key)
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}
