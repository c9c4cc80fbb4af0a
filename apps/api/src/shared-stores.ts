// What a second service needs to read the API's stores itself (apps/orders, ORDERS_SESSION_CHECK=store):
// the session stores, the denylist, how a session cookie is checked, and the name it goes by on a
// request (bare over http, `__Host-`/`__Secure-` over https). Exported as
// `@lab/api/shared-stores`; that a service needs all of this (and SESSION_SECRET) is the coupling
// the lab shows.
export { REDIS_SESSION_NAMESPACE, RedisSessionStore } from './strategies/session/redis-store.ts'
export { SessionCookieSigner } from './strategies/session/session-cookie.ts'
export { PgSessionStore } from './strategies/session-pg/pg-store.ts'
export type { SessionRecord, SessionStore } from './strategies/session/session-record.ts'
export { Denylist } from './strategies/jwt-denylist/denylist.ts'
export type { AccessClaims } from './strategies/jwt/access-token.ts'
export { cookieNameFor } from './cookies.ts'
