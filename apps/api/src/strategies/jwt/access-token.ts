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
  if (!match || (match[1] as string).length > MAX_TOKEN_LENGTH) {
    throw authInvalid('Authorization must be "Bearer <token>"')
  }
  return match[1] as string
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
