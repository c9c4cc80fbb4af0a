import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose'
import { ISSUER, audienceOf } from '@lab/api/access-token'
import type { StrategyName, User } from '@lab/contracts'
import { OrdersError, authInvalid } from './errors.ts'
import { hop } from './timing.ts'

/** The claims this service reads from an access token (the API's AccessClaims). */
export interface VerifiedToken {
  user: User
  jti: string
  sid: string
  iat: number
  exp: number
}

/** The API's tokens are at most this long (apps/api access-token.ts); a longer one is not worth parsing. */
const MAX_TOKEN_LENGTH = 4096
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/
/** Past this the JWKS fetch counts as failed. */
const JWKS_TIMEOUT_MS = 1000
/** An unknown `kid` refetches the keys at most this often, so made-up kids cannot make this service hammer the API. */
const REFETCH_COOLDOWN_MS = 30_000

const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0

/** The header's `alg`, to say why a token cannot be checked here. */
function algorithmOf(token: string): unknown {
  try {
    return (JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString()) as { alg?: unknown }).alg
  } catch {
    return undefined
  }
}

/**
 * Verifies the API's access tokens here, with nothing shared but public keys: the API's
 * `/.well-known/jwks.json`, fetched on first use (recorded as a `jwks` hop) and kept for as long as
 * this process runs, refetched only for a `kid` it does not know (at most every 30 s). So once the
 * keys are here, a token is checked with no call to the API at all, and keeps being checked when the
 * API is down.
 */
export function jwksVerifier(apiUrl: string) {
  const keys = createRemoteJWKSet(new URL('/.well-known/jwks.json', apiUrl), {
    cacheMaxAge: Number.POSITIVE_INFINITY,
    cooldownDuration: REFETCH_COOLDOWN_MS,
    timeoutDuration: JWKS_TIMEOUT_MS,
    [customFetch]: (url: string, init: RequestInit) => hop('jwks', 'GET /.well-known/jwks.json', () => fetch(url, init)),
  })
  const hasKeys = () => keys.jwks() !== undefined

  return {
    /** whether the API's keys have been fetched */
    get cached(): boolean {
      return hasKeys()
    },

    /** The token's user and claims, or a 401 saying why not (a 503 when the keys were never fetched and the API cannot be reached). */
    async verify(token: string, strategy: StrategyName): Promise<VerifiedToken> {
      if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw authInvalid('Invalid access token')
      let payload: Record<string, unknown>
      try {
        ;({ payload } = await jwtVerify(token, keys, {
          algorithms: ['EdDSA'],
          issuer: ISSUER,
          audience: audienceOf(strategy),
          requiredClaims: ['exp', 'iat', 'sub', 'jti', 'iss', 'aud'],
        }))
      } catch (error) {
        throw refusal(error, token, hasKeys())
      }
      const { sub, jti, sid, username, role, iat, exp } = payload
      if (!isString(sub) || !isString(jti) || !isString(sid) || !isString(username) || (role !== 'user' && role !== 'admin') || typeof iat !== 'number' || typeof exp !== 'number') {
        throw authInvalid('Invalid access token')
      }
      return { user: { id: sub, username, role }, jti, sid, iat, exp }
    },
  }
}

/** Why a token was refused, as the lab's error. */
function refusal(error: unknown, token: string, hasKeys: boolean): OrdersError {
  if (error instanceof errors.JWTExpired) return new OrdersError(401, 'AUTH_EXPIRED', 'Credential expired')
  if (error instanceof errors.JOSEAlgNotAllowed && algorithmOf(token) === 'HS256') {
    // An HS256 token is checked with the secret that signed it, which only the API holds.
    return new OrdersError(
      401,
      'TOKEN_UNVERIFIABLE',
      'This service verifies EdDSA access tokens with the public keys the API publishes; an HS256 token needs the API\'s secret, which it does not have (run the API with JWT_ALGORITHM=EdDSA)',
    )
  }
  // The keys could not be fetched (refused, timed out, not a key set).
  const keysUnavailable = error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError) || error.code === 'ERR_JOSE_GENERIC'
  if (keysUnavailable && !hasKeys) return new OrdersError(503, 'API_UNREACHABLE', 'The API\'s public keys (/.well-known/jwks.json) could not be fetched')
  if (error instanceof errors.JOSEError || keysUnavailable) return authInvalid('Invalid access token')
  throw error
}
