import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto'
import { DPOP_PROOF_TYPE } from '@lab/contracts'

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A DPoP proof signer for `method` and `url`; with an access token, the proof carries its hash (`ath`). */
export type DpopSigner = (method: string, url: string, accessToken?: string) => string

/**
 * A load-generating DPoP client: its own Ed25519 key, and a fresh proof (RFC 9449 §4.2) per request.
 * Synchronous, because autocannon builds each request synchronously; the API verifies it with jose.
 */
export function dpopSigner(): DpopSigner {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const { kty, crv, x } = publicKey.export({ format: 'jwk' })
  const header = encode({ typ: DPOP_PROOF_TYPE, alg: 'EdDSA', jwk: { kty, crv, x } })
  return (method, url, accessToken) => {
    const ath = accessToken === undefined ? {} : { ath: createHash('sha256').update(accessToken).digest('base64url') }
    const input = `${header}.${encode({ jti: randomUUID(), htm: method, htu: url, iat: Math.floor(Date.now() / 1000), ...ath })}`
    return `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`
  }
}
