import 'server-only'
import { randomUUID } from 'node:crypto'
import { ACCESS_TOKEN_COOKIE, SESSION_CACHE_COOKIE, SESSION_COOKIE } from '@lab/contracts'
import type { StolenCookies } from './api'
import type { CookieStrategy } from './strategies'

/** What a thief must take to be each cookie strategy's user: everything its requests carry. */
export const CREDENTIAL_COOKIES: Record<CookieStrategy, readonly string[]> = {
  session: [SESSION_COOKIE.session],
  'session-pg': [SESSION_COOKIE['session-pg']],
  'session-cached': [SESSION_COOKIE['session-cached'], SESSION_CACHE_COOKIE],
  'jwt-cookie': [ACCESS_TOKEN_COOKIE],
}

interface Loot {
  strategy: CookieStrategy
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
export function pocketLoot(strategy: CookieStrategy, cookies: Loot['cookies']): StolenCookies {
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
