import { randomUUID } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { AuthRejectionReason, StrategyName, User } from '@lab/contracts'
import { AppError, authExpired, authInvalid, authMissing } from '../../errors.ts'
import type { SigningKeys, VerifyOptions } from '../../plugins/app/signing-keys.ts'
import type { AccessGrant } from '../types.ts'

export const ISSUER = 'session-vs-jwt-lab'

/** Each token strategy is its own audience: a `jwt` token is refused by `jwt-denylist` and back. */
export const audienceOf = (strategy: StrategyName) => `${ISSUER}:${strategy}`

/** The claims of an access token: registered claims plus the user and its login (`sid`, the refresh family). */
export interface AccessClaims {
  sub: string
  jti: string
  sid: string
  iat: number
  exp: number
  username: string
  role: User['role']
  /** jwt-dpop: the RFC 7638 thumbprint of the key the token is bound to (`cnf.jkt`, RFC 9449 §6) */
  jkt?: string
}

const MAX_TOKEN_LENGTH = 4096

/** Three base64url segments: no padding, no `+` or `/`, no whitespace (one pass over the token). */
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/**
 * A segment's last character carries no stray bits (RFC 4648 §3.5): with 2 characters left over its
 * low 4 bits are zero, with 3 its low 2. Decoders ignore those bits, so without this one signature
 * has several spellings.
 */
function endsCanonically(token: string, end: number, length: number): boolean {
  const spare = length % 4
  if (spare === 0) return true
  const bits = BASE64URL.indexOf(token.charAt(end - 1))
  return spare === 2 ? (bits & 0b1111) === 0 : spare === 3 && (bits & 0b11) === 0
}

function isCompactJws(token: string): boolean {
  if (!COMPACT_JWS.test(token)) return false
  const first = token.indexOf('.')
  const second = token.indexOf('.', first + 1)
  return endsCanonically(token, first, first) && endsCanonically(token, second, second - first - 1) && endsCanonically(token, token.length, token.length - second - 1)
}

/** A token canonical in shape and not too long, else 401 AUTH_INVALID: nothing else reaches the verifier. */
function checkShape(token: string): string {
  if (token.length > MAX_TOKEN_LENGTH || !isCompactJws(token)) throw authInvalid('Invalid access token', 'MALFORMED')
  return token
}

/** Where a strategy's access token travels: the `Authorization: Bearer` header (`jwt`) or an HttpOnly cookie (`jwt-cookie`). */
export type TokenCarrier = (request: FastifyRequest) => string

/** The bearer token of the request, canonical in shape and not yet verified, or 401 AUTH_MISSING / AUTH_INVALID. */
export const readBearer: TokenCarrier = (request) => {
  const authorization = request.headers.authorization
  if (authorization === undefined || authorization === '') throw authMissing()
  // The usual spelling is read without a regular expression; any other casing or spacing through one.
  const usual = authorization.startsWith('Bearer ') && authorization.charCodeAt(7) > 0x20
  const token = usual ? authorization.slice(7) : /^Bearer +(\S+)$/i.exec(authorization)?.[1]
  if (token === undefined) throw authInvalid('Authorization must be "Bearer <token>"')
  return checkShape(token)
}

/**
 * jwt-dpop's carrier: `Authorization: DPoP <token>` (RFC 9449 §7.1). A bound token sent as Bearer is
 * refused with its own code, since a resource server that took it as Bearer would drop the binding (§7.2).
 */
export const readDpop: TokenCarrier = (request) => {
  const authorization = request.headers.authorization
  if (authorization === undefined || authorization === '') throw authMissing()
  if (/^Bearer(\s|$)/i.test(authorization)) throw new AppError(401, 'DPOP_SCHEME_REQUIRED', 'This token is bound to a key: send it as "Authorization: DPoP <token>" with a DPoP proof')
  const token = /^DPoP +(\S+)$/i.exec(authorization)?.[1]
  if (token === undefined) throw authInvalid('Authorization must be "DPoP <token>"')
  return checkShape(token)
}

/** The access token the request's cookie carries (the cookie's name on this request), or 401 AUTH_MISSING / AUTH_INVALID. */
export const cookieCarrier = (cookieName: (request: FastifyRequest) => string): TokenCarrier => (request) => {
  const token = request.cookies[cookieName(request)]
  if (token === undefined || token === '') throw authMissing()
  return checkShape(token)
}

/** The header's `kid`, which names the key of an EdDSA ring; fast-jwt parses the rest of the header itself. */
function keyIdOf(token: string): unknown {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString())
    return typeof header === 'object' && header !== null ? (header as { kid?: unknown }).kid : undefined
  } catch {
    return undefined // not JSON: the verifier refuses it
  }
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0

const REQUIRED_CLAIMS = ['exp', 'iat', 'sub', 'jti', 'iss', 'aud']

/** fast-jwt's error codes, as the reasons the demo profile tells the token inspector. */
const REASONS: Record<string, AuthRejectionReason> = {
  FAST_JWT_MALFORMED: 'MALFORMED',
  FAST_JWT_INVALID_PAYLOAD: 'MALFORMED',
  FAST_JWT_INVALID_ALGORITHM: 'ALG_NOT_ALLOWED',
  FAST_JWT_MISSING_SIGNATURE: 'MISSING_SIGNATURE',
  FAST_JWT_INVALID_SIGNATURE: 'BAD_SIGNATURE',
  FAST_JWT_INVALID_CRIT_HEADER: 'UNSUPPORTED_CRIT',
  FAST_JWT_INACTIVE: 'NOT_YET_VALID',
  FAST_JWT_MISSING_REQUIRED_CLAIM: 'MISSING_CLAIM',
  FAST_JWT_INVALID_CLAIM_VALUE: 'WRONG_CLAIM',
  FAST_JWT_INVALID_CLAIM_TYPE: 'BAD_CLAIM_TYPE',
}

/** Why fast-jwt or the key ring refused a token, as a reason code; anything unnamed is a key the server never issued. */
function reasonOf(error: unknown): AuthRejectionReason {
  const code = (error as { code?: unknown }).code
  return (typeof code === 'string' ? REASONS[code] : undefined) ?? 'UNKNOWN_KEY'
}

/**
 * The token's signature alone, checked as `AccessTokens.verify` checks it before any claim: its
 * shape, the pinned algorithm, a key the server issued. Demo profile only (routes/lab.ts).
 */
export function checkSignature(keys: SigningKeys, token: string): { valid: boolean; reason: AuthRejectionReason | null; kid: string | null } {
  const kid = keys.algorithm === 'EdDSA' ? keyIdOf(token) : undefined
  const named = typeof kid === 'string' ? kid : null
  try {
    keys.verifySignature(checkShape(token), kid)
    return { valid: true, reason: null, kid: named }
  } catch (error) {
    return { valid: false, reason: error instanceof AppError ? (error.reason ?? 'MALFORMED') : reasonOf(error), kid: named }
  }
}

/** Issues and verifies the access tokens of one strategy (its own audience) with the app's signing keys. */
export class AccessTokens {
  readonly #keys: SigningKeys
  readonly #audience: string
  readonly #ttlSeconds: number
  /** what `verify` checks, one object each way: the key ring caches its verifiers by them */
  readonly #checks: VerifyOptions
  readonly #checksIgnoringExpiry: VerifyOptions

  constructor(keys: SigningKeys, strategy: StrategyName, ttlSeconds: number) {
    this.#keys = keys
    this.#audience = audienceOf(strategy)
    this.#ttlSeconds = ttlSeconds
    this.#checks = Object.freeze({ issuer: ISSUER, audience: this.#audience, requiredClaims: REQUIRED_CLAIMS })
    this.#checksIgnoringExpiry = Object.freeze({ ...this.#checks, allowExpired: true })
  }

  /** `ttlSeconds`: the demo's short-lived login; ACCESS_TOKEN_TTL otherwise. */
  /** `jkt`: jwt-dpop binds the token to the client's key as `cnf.jkt` (RFC 9449 §6.1). */
  issue(user: User, familyId: string, ttlSeconds = this.#ttlSeconds, jkt?: string): Required<AccessGrant> {
    const claims = { sub: user.id, jti: randomUUID(), sid: familyId, username: user.username, role: user.role }
    const payload = jkt === undefined ? claims : { ...claims, cnf: { jkt } }
    const accessToken = this.#keys.sign(payload, { issuer: ISSUER, audience: this.#audience, ttlSeconds })
    const { exp } = JSON.parse(Buffer.from(accessToken.split('.')[1] as string, 'base64url').toString()) as { exp: number }
    return { accessToken, accessTokenExpiresAt: new Date(exp * 1000).toISOString() }
  }

  /**
   * Verifies the signature with the key the server issued under that `kid` (the algorithm pinned),
   * `iss`, `aud`, `exp`, `nbf` and the required claims (fast-jwt checks `iss`/`aud` only when present,
   * hence required), then the types of our own claims. Never throws anything but a 401.
   */
  verify(token: string, { allowExpired = false } = {}): AccessClaims {
    let claims: Partial<AccessClaims>
    try {
      // With HS256 there is one key and no kid to read; fast-jwt refuses an unknown `crit` (RFC 7515 §4.1.11).
      const kid = this.#keys.algorithm === 'EdDSA' ? keyIdOf(token) : undefined
      claims = this.#keys.verify(token, kid, allowExpired ? this.#checksIgnoringExpiry : this.#checks)
    } catch (error) {
      if ((error as { code?: unknown }).code === 'FAST_JWT_EXPIRED') throw authExpired()
      throw authInvalid('Invalid access token', reasonOf(error))
    }
    const { sub, jti, sid, username, role, iat, exp, cnf } = claims as Partial<AccessClaims> & { cnf?: unknown }
    const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined
    if (
      !isString(sub) || !isString(jti) || !isString(sid) || !isString(username) ||
      (role !== 'user' && role !== 'admin') || typeof iat !== 'number' || typeof exp !== 'number' ||
      (cnf !== undefined && !isString(jkt))
    ) {
      throw authInvalid('Invalid access token', 'BAD_CLAIM_TYPE')
    }
    return { sub, jti, sid, username, role, iat, exp, ...(isString(jkt) ? { jkt } : {}) }
  }
}
