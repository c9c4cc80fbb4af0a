import type pg from 'pg'
import type { SessionRecord, SessionStore } from '../session/session-record.ts'

/**
 * Sessions in Postgres: one primary-key SELECT per request (a prepared statement), an upsert at
 * login and a DELETE at logout. Expired rows are never returned and are swept periodically
 * (plugins/app/sweeper.ts).
 */
export class PgSessionStore implements SessionStore {
  readonly #pg: pg.Pool

  constructor(pool: pg.Pool) {
    this.#pg = pool
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const { rows } = await this.#pg.query<{ data: SessionRecord }>({
      name: 'SELECT sessions',
      text: 'SELECT data FROM sessions WHERE sid = $1 AND expires_at > now()',
      values: [sessionId],
    })
    return rows[0]?.data ?? null
  }

  async set(sessionId: string, record: SessionRecord, ttlSeconds: number): Promise<void> {
    await this.#pg.query({
      name: 'UPSERT sessions',
      text: `INSERT INTO sessions (sid, data, user_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))
             ON CONFLICT (sid) DO UPDATE SET data = excluded.data, user_id = excluded.user_id, expires_at = excluded.expires_at`,
      values: [sessionId, JSON.stringify(record), record.user.id, ttlSeconds],
    })
  }

  async touch(sessionId: string, record: SessionRecord): Promise<void> {
    await this.#pg.query({
      name: 'UPDATE sessions',
      text: 'UPDATE sessions SET data = $2 WHERE sid = $1 AND expires_at > now()',
      values: [sessionId, JSON.stringify(record)],
    })
  }

  async destroy(sessionId: string): Promise<void> {
    await this.#pg.query({ name: 'DELETE sessions', text: 'DELETE FROM sessions WHERE sid = $1', values: [sessionId] })
  }

  async listOf(userId: string): Promise<Array<{ sessionId: string; record: SessionRecord }>> {
    const { rows } = await this.#pg.query<{ sid: string; data: SessionRecord }>({
      name: 'SELECT sessions of user',
      text: 'SELECT sid, data FROM sessions WHERE user_id = $1 AND expires_at > now()',
      values: [userId],
    })
    return rows.map((row) => ({ sessionId: row.sid, record: row.data }))
  }

  async destroyAll(): Promise<void> {
    await this.#pg.query({ name: 'DELETE sessions all', text: 'DELETE FROM sessions' })
  }

  async destroyAllOf(userId: string): Promise<void> {
    await this.#pg.query({ name: 'DELETE sessions of user', text: 'DELETE FROM sessions WHERE user_id = $1', values: [userId] })
  }
}
