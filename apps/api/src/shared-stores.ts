// What a second service needs to read the API's stores itself (apps/orders, ORDERS_SESSION_CHECK=store):
// the session stores, the denylist, and how a session cookie is checked. Exported as
// `@lab/api/shared-stores`; that a service needs all of this (and SESSION_SECRET) is the coupling
// the lab shows.
import { Signer } from '@fastify/cookie'

export { RedisSessionStore } from './strategies/session/redis-store.ts'
export { PgSessionStore } from './strategies/session-pg/pg-store.ts'
export type { SessionRecord, SessionStore } from './strategies/session/session-record.ts'
export { Denylist } from './strategies/jwt-denylist/denylist.ts'
export type { AccessClaims } from './strategies/jwt/access-token.ts'

/** What the API's login issues: 32 random bytes, base64url (strategies/session). */
const SESSION_ID = /^[\w-]{43}$/

/** The Redis namespace of each Redis-backed session strategy (`lab:<namespace>:<id>`). */
export const REDIS_SESSION_NAMESPACE = { session: 'session', 'session-cached': 'session-cached' } as const

/**
 * Reads session cookies as the API signs them (`<id>.<HMAC-SHA256>` with SESSION_SECRET, or the
 * secret it replaces): the id when the signature holds, else null.
 */
export function sessionCookieReader(secret: string, previous?: string): (signed: string) => string | null {
  const signer = new Signer([secret, ...(previous ? [previous] : [])], 'sha256')
  return (signed) => {
    const { valid, value } = signer.unsign(signed)
    return valid && value !== null && SESSION_ID.test(value) ? value : null
  }
}
