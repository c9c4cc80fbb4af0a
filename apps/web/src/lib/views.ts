// Which paths exist in the demo profile only, read by the web origin (server/origin.ts, which
// answers them with the not-found page in production) and by the nav. Plain TypeScript: the origin
// runs it without Next.

/**
 * app/(demo)/: the thief's routes (attacker), bench runs, and the views built on API routes that
 * exist in the demo profile only (outage: the Redis pause; range; replicas; workshop: the range;
 * token-storage: a simulated XSS and the thief; two-tabs: strict refresh on request, the thief;
 * verdict: the thief, ?ttl= logins and the Redis pause).
 */
export const DEMO_ONLY_PATHS = ['/attacker', '/bench', '/outage', '/range', '/replicas', '/workshop', '/token-storage', '/two-tabs', '/verdict'] as const

/** Whether a normalized path (no dot segments, single slashes) is, or is under, a demo-only path. */
export function isDemoOnly(pathname: string): boolean {
  return DEMO_ONLY_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`))
}

/**
 * The thief of `jwt-cookie`'s access token. Its cookie `at` is scoped to /api/jwt-cookie, so the
 * browser never sends it to /attacker/steal; it does send it here. In the demo profile the origin
 * answers this one path itself, with the thief (app/(demo)/attacker/steal), instead of proxying it:
 * it stands where anyone who sees the traffic to the API stands. The API has no such route.
 */
export const API_PATH_THIEF = { path: '/api/jwt-cookie/attacker/steal', route: '/attacker/steal' } as const

/**
 * The API's public keys, where RFC 8615 puts them (at its root, not under /api): the origin proxies
 * this one path as it proxies /api, so the inspector can verify an EdDSA token in the browser.
 */
export const JWKS_PATH = '/.well-known/jwks.json'

/**
 * Opens a token in the inspector. It travels in the fragment, which the browser sends to no server
 * (no log, no Referer), never in the query string; the inspector removes it from the address bar.
 */
export function inspectorHref(token: string): `/inspector#token=${string}` {
  return `/inspector#token=${encodeURIComponent(token)}`
}
