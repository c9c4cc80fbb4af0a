import 'server-only'
import { randomUUID } from 'node:crypto'
import { ACCESS_TOKEN_COOKIE, AUTH_REASON_HEADER, REFRESH_COOKIE, REPLICA_HEADER, SESSION_CACHE_COOKIE, SESSION_COOKIE, type StrategyName } from '@lab/contracts'
import { parse as parseSetCookie } from 'set-cookie-parser'
import type { StolenCookies } from './api'
import { createDpopKey } from './dpop'
import { isCookieStrategy, isRefreshStrategy, type CookieStrategy } from './strategies'

/** What a thief must take to be each cookie strategy's user: everything its requests carry. */
export const CREDENTIAL_COOKIES: Record<CookieStrategy, readonly string[]> = {
  session: [SESSION_COOKIE.session],
  'session-pg': [SESSION_COOKIE['session-pg']],
  'session-cached': [SESSION_COOKIE['session-cached'], SESSION_CACHE_COOKIE],
  'jwt-cookie': [ACCESS_TOKEN_COOKIE],
}

interface Loot {
  strategy: StrategyName
  cookies: Array<{ name: string; value: string }>
}

/** Enough for a room of people with a few panes each; the oldest loot goes first. */
const KEPT = 500
const POCKET = Symbol.for('session-vs-jwt-lab.thief-pocket')

/**
 * The thief's pocket: stolen cookies stay on this server, which plays the thief's machine, and the
 * page only ever gets a receipt. Kept on globalThis because Next bundles each route on its own, and
 * the steal and replay routes must share one pocket.
 */
function pocket(): Map<string, Loot> {
  const global = globalThis as { [POCKET]?: Map<string, Loot> }
  global[POCKET] ??= new Map()
  return global[POCKET]
}

/** The `exp` of a JWT-shaped cookie (the session_cache copy, the at token), which its thief can read as anyone can. */
function expiryOf(value: string): string | null {
  const payload = value.split('.')[1]
  if (value.split('.').length !== 3 || !payload) return null
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }
    return typeof exp === 'number' ? new Date(exp * 1000).toISOString() : null
  } catch {
    return null
  }
}

/** The cookies of `strategy` in a Cookie header, when all of them are there. */
export function credentialIn(strategy: CookieStrategy, header: string | null): Loot['cookies'] | null {
  const pairs = (header ?? '').split(';').map((part) => part.trim())
  const cookies = CREDENTIAL_COOKIES[strategy].map((name) => {
    const pair = pairs.find((part) => part.startsWith(`${name}=`))
    return pair === undefined ? null : { name, value: pair.slice(name.length + 1) }
  })
  return cookies.every((cookie) => cookie !== null && cookie.value !== '') ? (cookies as Loot['cookies']) : null
}

/** Pockets the cookies, and returns the receipt the page may see: names, sizes, expiry, never a value. */
export function pocketLoot(strategy: StrategyName, cookies: Loot['cookies']): StolenCookies {
  const kept = pocket()
  const id = randomUUID()
  kept.set(id, { strategy, cookies })
  if (kept.size > KEPT) kept.delete(kept.keys().next().value as string)
  const expiries = cookies.map(({ value }) => expiryOf(value)).filter((expiry) => expiry !== null)
  return {
    kind: 'cookies',
    id,
    cookies: cookies.map(({ name, value }) => ({ name, length: value.length })),
    expiresAt: expiries.sort()[0] ?? null,
  }
}

/** The pocketed cookies of `id`, for `strategy`'s API only. */
export function lootFor(strategy: string, id: string): Loot['cookies'] | null {
  const loot = pocket().get(id)
  return loot?.strategy === strategy ? loot.cookies : null
}

/**
 * Pockets what the API set for a login the web server made (app/attacker/login): the strategy's
 * credential cookies, and, under its own receipt, the refresh token, which a client sends to the
 * refresh route alone. A cookie the answer clears is not taken.
 */
export function pocketLogin(strategy: StrategyName, setCookies: string[]): { credential: StolenCookies | null; refresh: StolenCookies | null } {
  const now = Date.now()
  const set = new Map(
    // Raw values, as a browser would send them back.
    parseSetCookie(setCookies, { decodeValues: false })
      .filter(({ value, maxAge, expires }) => value !== '' && !(maxAge !== undefined && maxAge <= 0) && !(expires && expires.getTime() <= now))
      .map(({ name, value }) => [name, value]),
  )
  const take = (names: readonly string[]) => {
    const cookies = names.map((name) => ({ name, value: set.get(name) ?? '' }))
    return cookies.every(({ value }) => value !== '') ? pocketLoot(strategy, cookies) : null
  }
  return {
    credential: isCookieStrategy(strategy) ? take(CREDENTIAL_COOKIES[strategy]) : null,
    refresh: isRefreshStrategy(strategy) ? take([REFRESH_COOKIE]) : null,
  }
}

/** An error of the thief's routes, in the lab's one error format. */
export function problem(status: number, code: string, error: string, message: string): Response {
  return Response.json({ statusCode: status, code, error, message }, { status, headers: { 'cache-control': 'no-store' } })
}

/**
 * The headers of the API's answer to the thief that the page sees with it: the request id,
 * Server-Timing, the replica and the demo's refusal reason; never Set-Cookie, which is the thief's.
 */
export function passedOn(upstream: Response): Headers {
  const headers = new Headers({ 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' })
  for (const name of ['x-request-id', 'server-timing', REPLICA_HEADER, AUTH_REASON_HEADER]) {
    const value = upstream.headers.get(name)
    if (value !== null) headers.set(name, value)
  }
  return headers
}

const THIEF_KEY = Symbol.for('session-vs-jwt-lab.thief-dpop-key')

/**
 * The thief's own DPoP key. A thief of a jwt-dpop login holds its token and cookies but never its
 * key, which the browser cannot export: the best it can do is sign proofs with a key of its own.
 */
export function thiefDpopKey(): Promise<CryptoKeyPair> {
  const global = globalThis as { [THIEF_KEY]?: Promise<CryptoKeyPair> }
  global[THIEF_KEY] ??= createDpopKey()
  return global[THIEF_KEY]
}
