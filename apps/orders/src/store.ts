import pg from 'pg'
import type { Redis } from 'ioredis'
import { PgSessionStore, REDIS_SESSION_NAMESPACE, RedisSessionStore, SessionCookieSigner, type SessionStore } from '@lab/api/shared-stores'
import type { User } from '@lab/contracts'
import { OrdersError, authInvalid, authMissing, storeUnavailable } from './errors.ts'
import { hop } from './timing.ts'

type SessionStrategy = 'session' | 'session-pg' | 'session-cached'

/** A Postgres pool that fails fast, records every query as a `pg` hop, and prepares nothing (an embedded Postgres shares one session with the API). */
export function createPgPool(databaseUrl: string, timeoutMs: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, idleTimeoutMillis: 30_000 })
  pool.on('error', () => {})
  const query = pool.query.bind(pool) as (config: pg.QueryConfig) => Promise<pg.QueryResult>
  pool.query = ((config: pg.QueryConfig) => {
    const { name, ...unnamed } = config
    return hop('pg', name ?? 'query', () => query(unnamed)).catch((error: unknown) => {
      throw error instanceof OrdersError ? error : storeUnavailable('Postgres')
    })
  }) as unknown as pg.Pool['query']
  return pool
}

/**
 * Sessions checked by reading the API's stores directly: no call to the API, but this service now
 * holds the API's SESSION_SECRET (to check the cookie's signature) and the credentials of its Redis
 * and Postgres, and must know how the API lays sessions out in them. Read-only: a request here does
 * not count as activity for the API's idle timeout.
 */
export function storeReader(options: { redis: Redis; pool: pg.Pool; sessionSecret: string; sessionSecretPrevious: string | undefined; sessionIdleTimeout: number }) {
  const cookies = new SessionCookieSigner(options.sessionSecret, options.sessionSecretPrevious)
  const stores: Record<SessionStrategy, SessionStore> = {
    session: new RedisSessionStore(options.redis, REDIS_SESSION_NAMESPACE.session),
    'session-cached': new RedisSessionStore(options.redis, REDIS_SESSION_NAMESPACE['session-cached']),
    'session-pg': new PgSessionStore(options.pool),
  }
  const idleMs = options.sessionIdleTimeout * 1000
  return async function read(strategy: SessionStrategy, signed: string | undefined): Promise<User> {
    if (!signed) throw authMissing()
    const sessionId = cookies.read(signed)
    if (sessionId === null) throw authInvalid('Session not found or expired')
    const record = await stores[strategy].get(sessionId)
    if (!record) throw authInvalid('Session not found or expired')
    if (Date.now() - record.lastSeenAt > idleMs) throw new OrdersError(401, 'AUTH_EXPIRED', 'Credential expired')
    return record.user
  }
}
