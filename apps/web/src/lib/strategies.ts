import { COOKIE_STRATEGIES, DPOP_STRATEGIES, REFRESH_STRATEGIES, TOKEN_STRATEGIES, type StrategyName } from '@lab/contracts'
import type { TokenStrategy } from './credentials'

/** What each strategy is, in the words the lab shows beside its pane. */
export const STRATEGY_NOTES: Record<StrategyName, { credential: string; checks: string; logout: string }> = {
  session: { credential: 'HttpOnly cookie sid', checks: 'a Redis GET of the session', logout: 'deletes the session: revoked at once' },
  'session-pg': { credential: 'HttpOnly cookie sid_pg', checks: 'a Postgres SELECT of the session', logout: 'deletes the row: revoked at once' },
  'session-cached': {
    credential: 'HttpOnly cookies sid_cached + session_cache (a signed copy of the session)',
    checks: 'nothing while the copy is fresh; a Redis GET once it is stale',
    logout: 'deletes the session: a stolen fresh copy still works until it goes stale',
  },
  jwt: { credential: 'Bearer access token (+ refresh cookie rt)', checks: 'nothing but the signature and claims', logout: 'revokes the refresh family only: the access token lives until exp' },
  'jwt-denylist': { credential: 'Bearer access token (+ refresh cookie rt)', checks: 'a Redis lookup of the token id', logout: 'denylists the token id: revoked at once' },
  'jwt-cookie': { credential: 'access token in HttpOnly cookie at (+ refresh cookie rt)', checks: 'nothing but the signature and claims', logout: 'revokes the refresh family only: the access token lives until exp' },
  'jwt-dpop': {
    credential: 'DPoP access token bound to this browser’s non-extractable key, + a fresh signed proof per request (+ refresh cookie rt, bound too)',
    checks: 'the token, the proof’s signature, and a Redis SET of the proof’s jti (no replay)',
    logout: 'revokes the refresh family only: the token, bound to the key, lives until exp',
  },
}

/** The strategies whose login hands the page its access token (Bearer, or DPoP-bound). */
export function isTokenStrategy(strategy: StrategyName): strategy is TokenStrategy {
  return (TOKEN_STRATEGIES as readonly string[]).includes(strategy) || isDpopStrategy(strategy)
}

/** The strategies whose token is bound to this browser's key: useless to a thief without it. */
export function isDpopStrategy(strategy: StrategyName): boolean {
  return (DPOP_STRATEGIES as readonly string[]).includes(strategy)
}

/** The strategies whose credential is a cookie the browser sends by itself (HttpOnly: no script reads it). */
export type CookieStrategy = (typeof COOKIE_STRATEGIES)[number]

export function isCookieStrategy(strategy: string): strategy is CookieStrategy {
  return (COOKIE_STRATEGIES as readonly string[]).includes(strategy)
}

/** The strategies with a rotating refresh token (`POST /api/:strategy/refresh`). */
export function isRefreshStrategy(strategy: StrategyName): boolean {
  return (REFRESH_STRATEGIES as readonly string[]).includes(strategy)
}

/** The revocation view's short story: each login's short-lived credential (`?ttl=`, demo profile) lives this long, so the run fits in about 15 s. */
export const SHORT_TTL_SECONDS = 10

export const DEMO_USERS = {
  alice: { username: 'alice', password: 'alice-password' },
  admin: { username: 'admin', password: 'admin-password' },
} as const
export type DemoUser = keyof typeof DEMO_USERS
