import { timingSafeEqual } from 'node:crypto'
import { assertClaimTypes, checkExpected, checkTimes, type JwtPayload } from './claims.ts'
import { JwtLiteError } from './errors.ts'
import { ALG, hmacSha256, toHmacKey, type Secret } from './hs256.ts'
import { isPlainObject, parseJson } from './json.ts'
import { DEFAULT_MAX_TOKEN_LENGTH, readToken } from './token.ts'

/** What {@link verify} expects beyond a valid signature. */
export interface VerifyOptions {
  /** Required `iss` value. */
  issuer?: string
  /** Accepted audiences; the token's `aud` must name at least one. */
  audience?: string | string[]
  /** Refuse tokens without `exp`. Default `true`: a token that never expires is a password. */
  requireExp?: boolean
  /** Seconds of clock skew forgiven for `exp`, `nbf` and `iat`. Default 5. */
  clockTolerance?: number
  /** Longest token accepted, in characters. Default 8192. */
  maxTokenLength?: number
  /** The clock, in milliseconds since the epoch like `Date.now`; tests freeze it. */
  now?: () => number
}

/**
 * Verifies a compact HS256 JWT and returns its claims. Synchronous and offline: header
 * parameters that point at keys (`kid`, `jku`, `x5u`, `jwk`, `x5c`) are ignored, never fetched;
 * the only key is `secret`.
 *
 * Checks, in order, each refusing with its own code: secret strength; token length; three
 * canonical base64url segments; header is a JSON object; `alg` is exactly `HS256`; no `crit`;
 * HMAC-SHA256 signature (constant-time); payload is a JSON object without `__proto__` keys;
 * registered claim types; `exp` present; `exp`, `nbf`, `iat` against the clock; `iss`, `aud`.
 *
 * @throws {@link JwtLiteError} with a stable `code`; the message never contains token data.
 *
 * @example
 * ```ts
 * const claims = verify(token, process.env.JWT_SECRET, { issuer: 'lab', audience: 'api' })
 * claims.sub // 'ada'
 * ```
 */
export function verify(token: string, secret: Secret, options: VerifyOptions = {}): JwtPayload {
  const key = toHmacKey(secret)
  const raw = readToken(token, options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH)

  // The header is attacker-controlled, so it may only be checked against our allowlist, never
  // used to choose an algorithm or a key. This runs before any crypto.
  if (raw.header.alg !== ALG) throw new JwtLiteError('ERR_JWT_ALG_NOT_ALLOWED', `only ${ALG} is accepted`)
  if (raw.header.crit !== undefined) {
    throw new JwtLiteError('ERR_JWT_CRIT_UNSUPPORTED', 'no critical header extensions are supported')
  }

  const expected = hmacSha256(raw.signingInput, key)
  if (raw.signature.length !== expected.length || !timingSafeEqual(raw.signature, expected)) {
    throw new JwtLiteError('ERR_JWT_SIGNATURE_INVALID', 'signature does not match')
  }

  // Only now, with the payload authenticated, is it parsed.
  const claims = parseJson(raw.payloadBytes)
  if (!isPlainObject(claims)) throw new JwtLiteError('ERR_JWT_MALFORMED', 'token payload must be a JSON object')
  assertClaimTypes(claims)
  checkTimes(claims, {
    now: (options.now ?? Date.now)() / 1000,
    tolerance: options.clockTolerance ?? 5,
    requireExp: options.requireExp ?? true,
  })
  checkExpected(claims, options)
  return claims
}
