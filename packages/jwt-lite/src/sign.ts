import { encode } from './base64url.ts'
import { assertClaimTypes, type JwtPayload } from './claims.ts'
import { ALG, hmacSha256, toHmacKey, type Secret } from './hs256.ts'
import { isPlainObject } from './json.ts'

/** Claims {@link sign} adds to the payload. Times are in seconds, as JWT numeric dates are. */
export interface SignOptions {
  /** Issued-at time in seconds since the epoch. Defaults to now. */
  iat?: number
  /** Sets `exp` to `iat + expiresIn`. */
  expiresIn?: number
  /** Sets `nbf` to `iat + notBefore`. */
  notBefore?: number
  issuer?: string
  audience?: string | string[]
  subject?: string
  jwtId?: string
  /** The clock, in milliseconds since the epoch like `Date.now`; tests freeze it. */
  now?: () => number
}

const HEADER_SEGMENT = encode(JSON.stringify({ alg: ALG, typ: 'JWT' }))

/**
 * Signs a claims set as a compact HS256 JWS: `header.payload.signature`, base64url each.
 * Claims set through options replace same-named keys in `payload`; `iat` is always set.
 *
 * @throws {@link JwtLiteError} `ERR_JWT_SECRET_WEAK` for a secret under 32 bytes,
 * `ERR_JWT_SECRET_INVALID` for a key that is not a secret, `ERR_JWT_CLAIM_INVALID` for a
 * registered claim of the wrong type.
 *
 * @example
 * ```ts
 * const token = sign({ role: 'admin' }, process.env.JWT_SECRET, { subject: 'ada', expiresIn: 900 })
 * ```
 */
export function sign(payload: JwtPayload, secret: Secret, options: SignOptions = {}): string {
  const key = toHmacKey(secret)
  if (!isPlainObject(payload)) throw new TypeError('payload must be a plain object')

  const iat = options.iat ?? Math.floor((options.now ?? Date.now)() / 1000)
  const claims: Record<string, unknown> = { ...payload, iat }
  if (options.expiresIn !== undefined) claims.exp = iat + options.expiresIn
  if (options.notBefore !== undefined) claims.nbf = iat + options.notBefore
  if (options.issuer !== undefined) claims.iss = options.issuer
  if (options.audience !== undefined) claims.aud = options.audience
  if (options.subject !== undefined) claims.sub = options.subject
  if (options.jwtId !== undefined) claims.jti = options.jwtId
  assertClaimTypes(claims)

  const signingInput = `${HEADER_SEGMENT}.${encode(JSON.stringify(claims))}`
  return `${signingInput}.${encode(hmacSha256(signingInput, key))}`
}
