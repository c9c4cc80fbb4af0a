import { createHmac, createSecretKey, KeyObject } from 'node:crypto'
import { JwtLiteError } from './errors.ts'

/** An HMAC secret: UTF-8 text, raw bytes, or a `node:crypto` secret `KeyObject`. */
export type Secret = string | Uint8Array | KeyObject

export const ALG = 'HS256'

// RFC 7518 §3.2: the key must be at least as long as the hash output (32 bytes for SHA-256).
export const MIN_SECRET_BYTES = 32

export function toHmacKey(secret: Secret): KeyObject {
  // A public key used as an HMAC secret is the server half of algorithm confusion: an attacker
  // who has the (public) key can then sign tokens. Refuse PEM text and asymmetric KeyObjects.
  if (typeof secret === 'string' && secret.includes('-----BEGIN')) {
    throw new JwtLiteError('ERR_JWT_SECRET_INVALID', 'a PEM key is not an HMAC secret')
  }
  let bytes: number
  if (typeof secret === 'string') bytes = Buffer.byteLength(secret, 'utf8')
  else if (secret instanceof Uint8Array) bytes = secret.byteLength
  else if (secret instanceof KeyObject && secret.type === 'secret') bytes = secret.symmetricKeySize ?? 0
  else throw new JwtLiteError('ERR_JWT_SECRET_INVALID', 'secret must be a string, bytes or a secret KeyObject')

  if (bytes < MIN_SECRET_BYTES) {
    throw new JwtLiteError('ERR_JWT_SECRET_WEAK', `secret must be at least ${MIN_SECRET_BYTES} bytes`)
  }
  return secret instanceof KeyObject ? secret : createSecretKey(Buffer.from(secret))
}

export function hmacSha256(signingInput: string, key: KeyObject): Buffer {
  return createHmac('sha256', key).update(signingInput, 'ascii').digest()
}
