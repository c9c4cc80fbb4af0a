import { DPOP_PROOF_TYPE, DPOP_STRATEGIES } from '@lab/contracts'
import { base64url, exportJWK, SignJWT } from 'jose'

/** ES256 (ECDSA P-256): what every browser's WebCrypto signs with a key created non-extractable. */
const ALGORITHM = 'ES256'

/** A DPoP key pair: the private half cannot be exported, only used to sign while its holder runs. */
export function createDpopKey(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])
}

/** Whether a path of the API belongs to a strategy whose requests carry a DPoP proof. */
export function isDpopPath(path: string): boolean {
  return DPOP_STRATEGIES.some((strategy) => path.startsWith(`/api/${strategy}/`))
}

/**
 * A fresh DPoP proof (RFC 9449 §4.2) for one request: `htm` and `htu` (the URL without query), a new
 * `jti`, `iat` now, and with an access token its hash `ath`; the public key rides in the header.
 */
export async function signDpopProof(key: CryptoKeyPair, method: string, url: string, accessToken?: string | null): Promise<string> {
  const htu = new URL(url)
  htu.search = ''
  htu.hash = ''
  const ath = accessToken ? base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken)))) : undefined
  return new SignJWT({ htm: method, htu: htu.href, ...(ath && { ath }) })
    .setProtectedHeader({ typ: DPOP_PROOF_TYPE, alg: ALGORITHM, jwk: await exportJWK(key.publicKey) })
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .sign(key.privateKey)
}
