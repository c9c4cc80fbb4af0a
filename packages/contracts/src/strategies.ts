/** The ways the lab authenticates the same resources, in the order the lab shows them. */
export const STRATEGIES = ['session', 'session-pg', 'session-cached', 'jwt', 'jwt-denylist', 'jwt-cookie', 'jwt-dpop'] as const

export type StrategyName = (typeof STRATEGIES)[number]

/** Strategies whose login returns the access token in its body, for an `Authorization: Bearer` header. */
export const TOKEN_STRATEGIES = ['jwt', 'jwt-denylist'] as const satisfies readonly StrategyName[]

/** Strategies with access tokens and a rotating refresh token in cookie `rt` (`POST /api/:strategy/refresh`). */
export const REFRESH_STRATEGIES = ['jwt', 'jwt-denylist', 'jwt-cookie', 'jwt-dpop'] as const satisfies readonly StrategyName[]

/**
 * Strategies whose access token is bound to a key the client holds (RFC 9449, DPoP): login returns it
 * in its body, and every request sends `Authorization: DPoP <token>` plus a fresh proof in header `DPoP`.
 */
export const DPOP_STRATEGIES = ['jwt-dpop'] as const satisfies readonly StrategyName[]

/** The header that carries a DPoP proof, and the proof's JOSE `typ` (RFC 9449 §4.2). */
export const DPOP_HEADER = 'dpop'
export const DPOP_PROOF_TYPE = 'dpop+jwt'
/** The signature algorithms the API accepts for a DPoP proof: asymmetric only. */
export const DPOP_ALGORITHMS = ['ES256', 'EdDSA'] as const

/** Strategies whose credential is a cookie the browser sends by itself (so CSRF defences apply to them). */
export const COOKIE_STRATEGIES = ['session', 'session-pg', 'session-cached', 'jwt-cookie'] as const satisfies readonly StrategyName[]

export function isStrategyName(value: string): value is StrategyName {
  return (STRATEGIES as readonly string[]).includes(value)
}

/** Cookie that carries each cookie-based strategy's session id. */
export const SESSION_COOKIE = { session: 'sid', 'session-pg': 'sid_pg', 'session-cached': 'sid_cached', 'session-memory': 'sid_mem' } as const

/** `session-cached`: the signed, short-lived copy of the session that spares the store while it is fresh. */
export const SESSION_CACHE_COOKIE = 'session_cache'

/** `jwt-cookie`: the access token, in an HttpOnly cookie instead of an Authorization header. */
export const ACCESS_TOKEN_COOKIE = 'at'

/** Cookie that carries the opaque refresh token of the refresh strategies. */
export const REFRESH_COOKIE = 'rt'
