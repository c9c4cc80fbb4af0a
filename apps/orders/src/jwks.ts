import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose'
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
/** An unknown `kid` refetches the keys at most this often: a new key is adopted within seconds, and made-up kids cannot make this service hammer the API. */
export const UNKNOWN_KID_COOLDOWN_MS = 5000

/** Neither fetched now nor ever before: nothing to verify with. */
class KeysUnavailable extends Error {}

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
 * `/.well-known/jwks.json`, fetched on first use, then again when `maxAgeMs` has passed (so a key the
 * API has retired stops verifying here within about that) and at once for a `kid` it does not know
 * (at most every 5 s, so a new key is adopted within seconds). Each fetch is a `jwks` hop of the request
 * that made it. Between fetches a token is checked with no call to the API at all; and when a fetch fails
 * (the API down or frozen: 1 s timeout) the last keys fetched stay in use, so tokens keep being checked
 * while the API is away. jose's remote key set would throw once its cache is stale and cannot be
 * reloaded, so the last good set is held here and read with jose's local key set.
 */
export function jwksVerifier(apiUrl: string, maxAgeMs: number) {
  const url = new URL('/.well-known/jwks.json', apiUrl)
  let keys: JWTVerifyGetKey | undefined
  /** when the last fetch ended, whether it succeeded or not */
  let fetchedAt = Number.NEGATIVE_INFINITY
  let fetching: Promise<void> | undefined

  /** One fetch at a time (concurrent requests wait for it, recorded only on the one that made it); a failure keeps the last keys. */
  function refetch(): Promise<void> {
    fetching ??= hop('jwks', 'GET /.well-known/jwks.json', async () => {
      const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(JWKS_TIMEOUT_MS), redirect: 'manual' })
      if (response.status !== 200) throw new Error(`the JWKS answered ${response.status}`)
      keys = createLocalJWKSet((await response.json()) as JSONWebKeySet)
    })
      .catch(() => {})
      .finally(() => {
        fetchedAt = performance.now()
        fetching = undefined
      })
    return fetching
  }

  const getKey: JWTVerifyGetKey = async (header, token) => {
    if (keys === undefined || performance.now() - fetchedAt >= maxAgeMs) await refetch()
    if (keys === undefined) throw new KeysUnavailable()
    try {
      return await keys(header, token)
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || performance.now() - fetchedAt < UNKNOWN_KID_COOLDOWN_MS) throw error
      await refetch()
      return keys(header, token)
    }
  }

  return {
    /** whether the API's keys have been fetched */
    get cached(): boolean {
      return keys !== undefined
    },

    /** The token's user and claims, or a 401 saying why not (a 503 when the keys were never fetched and the API cannot be reached). */
    async verify(token: string, strategy: StrategyName): Promise<VerifiedToken> {
      if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw authInvalid('Invalid access token')
      let payload: Record<string, unknown>
      try {
        ;({ payload } = await jwtVerify(token, getKey, {
          algorithms: ['EdDSA'],
          issuer: ISSUER,
          audience: audienceOf(strategy),
          requiredClaims: ['exp', 'iat', 'sub', 'jti', 'iss', 'aud'],
        }))
      } catch (error) {
        throw refusal(error, token)
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
function refusal(error: unknown, token: string): OrdersError {
  if (error instanceof KeysUnavailable) return new OrdersError(503, 'API_UNREACHABLE', 'The API\'s public keys (/.well-known/jwks.json) could not be fetched')
  if (error instanceof errors.JWTExpired) return new OrdersError(401, 'AUTH_EXPIRED', 'Credential expired')
  if (error instanceof errors.JOSEAlgNotAllowed && algorithmOf(token) === 'HS256') {
    // An HS256 token is checked with the secret that signed it, which only the API holds.
    return new OrdersError(
      401,
      'TOKEN_UNVERIFIABLE',
      'This service verifies EdDSA access tokens with the public keys the API publishes; an HS256 token needs the API\'s secret, which it does not have (run the API with JWT_ALGORITHM=EdDSA)',
    )
  }
  if (error instanceof errors.JOSEError) return authInvalid('Invalid access token')
  throw error
}
