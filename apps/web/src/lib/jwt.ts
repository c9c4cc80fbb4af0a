/** A compact JWS split into its parts, for the inspector: decoding never verifies anything. */
export interface DecodedToken {
  header: Record<string, unknown>
  payload: Record<string, unknown>
  /** the three parts, base64url, as they came */
  segments: [string, string, string]
  /** the third part, base64url, as it came */
  signature: string
}

function base64UrlBytes(part: string): Uint8Array<ArrayBuffer> {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=')
  return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))
}

function fromBase64Url(part: string): string {
  return new TextDecoder().decode(base64UrlBytes(part))
}

export function toBase64Url(text: string): string {
  let binary = ''
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function parseObject(part: string, name: string): Record<string, unknown> {
  const value: unknown = JSON.parse(fromBase64Url(part))
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`the ${name} is not a JSON object`)
  return value as Record<string, unknown>
}

export function decodeToken(token: string): DecodedToken | { error: string } {
  const parts = token.trim().split('.')
  if (parts.length !== 3) return { error: `a JWT has 3 parts separated by dots; this has ${parts.length}` }
  const segments = parts as [string, string, string]
  try {
    return { header: parseObject(segments[0], 'header'), payload: parseObject(segments[1], 'payload'), segments, signature: segments[2] }
  } catch (error) {
    return { error: `cannot decode: ${(error as Error).message}` }
  }
}

/** Re-encodes header and payload as they are written, keeping the signature it is given. */
export function encodeToken(header: string, payload: string, signature: string): string {
  return `${toBase64Url(header)}.${toBase64Url(payload)}.${signature}`
}

/** The number of bytes a base64url signature decodes to, or null when it is not base64url. */
export function signatureBytes(signature: string): number | null {
  if (!/^[\w-]*$/.test(signature)) return null
  try {
    return base64UrlBytes(signature).length
  } catch {
    return null
  }
}

/** The same signature with its first character changed: what a bit flipped in transit, or a guess, looks like. */
export function alterSignature(signature: string): string {
  return signature === '' ? '' : `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`
}

const shown = (value: unknown) => (value === undefined ? '(absent)' : JSON.stringify(value))

/**
 * What differs between two decoded tokens, in words: each header or payload member added, removed
 * or changed, and what happened to the signature. Empty when they are the same token.
 */
export function describeEdits(from: Pick<DecodedToken, 'header' | 'payload' | 'signature'>, to: Pick<DecodedToken, 'header' | 'payload' | 'signature'>): string[] {
  const edits: string[] = []
  for (const part of ['header', 'payload'] as const) {
    const names = [...new Set([...Object.keys(from[part]), ...Object.keys(to[part])])]
    for (const name of names) {
      const before = from[part][name]
      const after = to[part][name]
      if (JSON.stringify(before) === JSON.stringify(after)) continue
      edits.push(`${part}.${name}: ${shown(before)} → ${shown(after)}`)
    }
  }
  if (to.signature === '' && from.signature !== '') edits.push('signature dropped')
  else if (to.signature !== from.signature) edits.push('signature altered')
  return edits
}

/** A public key as a JWKS publishes it (RFC 7517), as much of it as verifying an Ed25519 signature needs. */
export interface Jwk {
  kty: string
  crv?: string
  x?: string
  kid?: string
  alg?: string
}

/** What the browser found verifying an EdDSA token against a JWKS. */
export type JwksVerdict =
  | { valid: true; kid: string }
  | { valid: false; kid: string | null; why: 'not EdDSA' | 'no kid' | 'unknown kid' | 'no signature' | 'bad signature' | 'not supported' }

/**
 * Verifies an EdDSA (Ed25519) token in the browser, with WebCrypto and the public key its `kid`
 * names in `keys`: nothing secret is needed, which is the point of publishing a JWKS.
 */
export async function verifyWithJwks(token: string, keys: Jwk[]): Promise<JwksVerdict> {
  const decoded = decodeToken(token)
  if ('error' in decoded) return { valid: false, kid: null, why: 'bad signature' }
  const kid = typeof decoded.header.kid === 'string' ? decoded.header.kid : null
  if (decoded.header.alg !== 'EdDSA') return { valid: false, kid, why: 'not EdDSA' }
  if (kid === null) return { valid: false, kid, why: 'no kid' }
  const jwk = keys.find((key) => key.kid === kid && key.kty === 'OKP' && key.crv === 'Ed25519' && typeof key.x === 'string')
  if (!jwk) return { valid: false, kid, why: 'unknown kid' }
  if (decoded.signature === '') return { valid: false, kid, why: 'no signature' }
  let key: CryptoKey
  try {
    key = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, ['verify'])
  } catch {
    return { valid: false, kid, why: 'not supported' }
  }
  const [header, payload] = decoded.segments
  let signature: Uint8Array<ArrayBuffer>
  try {
    signature = base64UrlBytes(decoded.signature)
  } catch {
    return { valid: false, kid, why: 'bad signature' }
  }
  const valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, new TextEncoder().encode(`${header}.${payload}`))
  return valid ? { valid, kid } : { valid, kid, why: 'bad signature' }
}

/** The `cnf.jkt` of a DPoP-bound token (RFC 9449 §6.1): the thumbprint of the key it is bound to; null for any other. */
export function boundKeyOf(token: string): string | null {
  const decoded = decodeToken(token)
  if ('error' in decoded) return null
  const cnf = decoded.payload.cnf
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined
  return typeof jkt === 'string' ? jkt : null
}

/** The `sid` of one of the lab's access tokens: its login (refresh family), the id the list of logins shows; null when it has none. */
export function familyOf(token: string): string | null {
  const decoded = decodeToken(token)
  if ('error' in decoded) return null
  return typeof decoded.payload.sid === 'string' ? decoded.payload.sid : null
}
