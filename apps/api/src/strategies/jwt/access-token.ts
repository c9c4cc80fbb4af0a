import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { StrategyName, User } from '@lab/contracts'
import { authExpired, authInvalid, authMissing } from '../../errors.ts'
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
}

const MAX_TOKEN_LENGTH = 4096

/** Last characters a canonical base64url segment may end with, by its length mod 4 (RFC 4648 §3.5). */
const CANONICAL_ENDING: Record<number, RegExp> = { 0: /./, 2: /[AQgw]$/, 3: /[AEIMQUYcgkosw048]$/ }

/**
 * Three base64url segments, each canonical: no padding, no `+` or `/`, no stray trailing bits.
 * Decoders tolerate all three, so without this one signature has several spellings.
 */
function isCompactJws(token: string): boolean {
  const segments = token.split('.')
  return (
    segments.length === 3 &&
    segments.every((segment) => /^[\w-]+$/.test(segment) && (CANONICAL_ENDING[segment.length % 4]?.test(segment) ?? false))
  )
}

/** RFC 7515 §4.1.11: a `crit` extension we do not understand makes the token invalid. */
function hasCriticalExtension(token: string): boolean {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString())
    return typeof header === 'object' && header !== null && Object.hasOwn(header, 'crit')
  } catch {
    return false // not JSON: the verifier refuses it
  }
}

export function signAccessToken(scope: FastifyInstance, user: User, familyId: string): AccessGrant {
  const accessToken = scope.jwt.sign({ sub: user.id, jti: randomUUID(), sid: familyId, username: user.username, role: user.role })
  const { exp } = scope.jwt.decode<{ exp: number }>(accessToken) as { exp: number }
  return { accessToken, accessTokenExpiresAt: new Date(exp * 1000).toISOString() }
}

/** The bearer token of the request, or 401 AUTH_MISSING / AUTH_INVALID. */
export function readBearer(request: FastifyRequest): string {
  const header = request.headers.authorization
  if (header === undefined || header === '') throw authMissing()
  const match = /^Bearer +(\S+)$/i.exec(header)
  const token = match?.[1]
  if (token === undefined || token.length > MAX_TOKEN_LENGTH || !isCompactJws(token)) {
    throw authInvalid('Authorization must be "Bearer <token>"')
  }
  if (hasCriticalExtension(token)) throw authInvalid('Invalid access token')
  return token
}

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0

/**
 * Verifies signature (HS256 only), `iss`, `aud`, `exp`, `nbf` and the required claims with the verifier
 * @fastify/jwt built once at start, then the types of our own claims. Never throws anything but a 401.
 */
export function verifyAccessToken(scope: FastifyInstance, token: string): AccessClaims {
  let claims: Partial<AccessClaims>
  try {
    claims = scope.jwt.verify<Partial<AccessClaims>>(token)
  } catch (error) {
    if ((error as { code?: unknown }).code === 'FAST_JWT_EXPIRED') throw authExpired()
    throw authInvalid('Invalid access token')
  }
  const { sub, jti, sid, username, role, iat, exp } = claims
  if (
    !isString(sub) || !isString(jti) || !isString(sid) || !isString(username) ||
    (role !== 'user' && role !== 'admin') || typeof iat !== 'number' || typeof exp !== 'number'
  ) {
    throw authInvalid('Invalid access token')
  }
  return { sub, jti, sid, username, role, iat, exp }
}
