import type { Session } from 'fastify'
import type { SessionStore } from '@fastify/session'
import type pg from 'pg'
import { callback, secondsToLive } from '../session/session-record.ts'

/**
 * @fastify/session store over Postgres: one primary-key SELECT per request (a prepared statement),
 * an upsert at login and a DELETE at logout. Expired rows are never returned and are swept
 * periodically (plugins/app/sweeper.ts).
 */
export class PgSessionStore implements SessionStore {
  readonly #pg: pg.Pool
  readonly #ttl: number

  constructor(pool: pg.Pool, ttlSeconds: number) {
    this.#pg = pool
    this.#ttl = ttlSeconds
  }

  get(sessionId: string, done: (error: unknown, session?: Session | null) => void): void {
    const query = this.#pg.query<{ data: Session }>({
      name: 'SELECT sessions',
      text: 'SELECT data FROM sessions WHERE sid = $1 AND expires_at > now()',
      values: [sessionId],
    })
    callback(
      query.then(({ rows }) => rows[0]?.data ?? null),
      done as (error?: unknown, value?: Session | null) => void,
    )
  }

  set(sessionId: string, session: Session, done: (error?: unknown) => void): void {
    const query = this.#pg.query({
      name: 'UPSERT sessions',
      text: `INSERT INTO sessions (sid, data, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
             ON CONFLICT (sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
      values: [sessionId, JSON.stringify(session), secondsToLive(session, this.#ttl)],
    })
    callback(query, done)
  }

  destroy(sessionId: string, done: (error?: unknown) => void): void {
    callback(this.#pg.query({ name: 'DELETE sessions', text: 'DELETE FROM sessions WHERE sid = $1', values: [sessionId] }), done)
  }
}
