import type { Redis } from 'ioredis'
import type { SessionRecord, SessionStore } from './session-record.ts'

/** The Redis namespace of each Redis-backed session strategy (`lab:<namespace>:<id>`). */
export const REDIS_SESSION_NAMESPACE = { session: 'session', 'session-cached': 'session-cached' } as const

/**
 * Sessions in Redis: one GET per request; at login SET with EX and the id added to its user's set; DEL
 * at logout. Each strategy has its own namespace (`lab:<strategy>:`), so `session` and
 * `session-cached` list and end only their own.
 */
export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis
  readonly #prefix: string
  /** a set per user of their session ids, so a password change or "log out everywhere" finds them all */
  readonly #byUser: string

  constructor(redis: Redis, namespace: string) {
    this.#redis = redis
    this.#prefix = `lab:${namespace}:`
    this.#byUser = `lab:${namespace}-of-user:`
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const json = await this.#redis.get(this.#prefix + sessionId)
    return json === null ? null : (JSON.parse(json) as SessionRecord)
  }

  async set(sessionId: string, record: SessionRecord, ttlSeconds: number): Promise<void> {
    await this.#redis.set(this.#prefix + sessionId, JSON.stringify(record), 'EX', ttlSeconds)
    const byUser = this.#byUser + record.user.id
    await this.#redis.sadd(byUser, sessionId)
    // The set lives as long as its newest session; ids of expired sessions in it are skipped when read.
    await this.#redis.expire(byUser, ttlSeconds)
  }

  async touch(sessionId: string, record: SessionRecord): Promise<void> {
    // XX: never recreate a session that ended meanwhile; KEEPTTL: never extend its absolute expiry.
    await this.#redis.set(this.#prefix + sessionId, JSON.stringify(record), 'KEEPTTL', 'XX')
  }

  async destroy(sessionId: string): Promise<void> {
    await this.#redis.del(this.#prefix + sessionId)
  }

  async listOf(userId: string): Promise<Array<{ sessionId: string; record: SessionRecord }>> {
    const sessionIds = await this.#redis.smembers(this.#byUser + userId)
    if (sessionIds.length === 0) return []
    const records = await this.#redis.mget(sessionIds.map((sessionId) => this.#prefix + sessionId))
    return sessionIds.flatMap((sessionId, index) => {
      const json = records[index]
      return json ? [{ sessionId, record: JSON.parse(json) as SessionRecord }] : []
    })
  }

  async destroyAll(): Promise<void> {
    // SCAN, not KEYS: Redis keeps serving everyone else meanwhile.
    for (const pattern of [`${this.#prefix}*`, `${this.#byUser}*`]) {
      for await (const keys of this.#redis.scanStream({ match: pattern, count: 500 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await this.#redis.unlink(...keys)
      }
    }
  }

  async destroyAllOf(userId: string): Promise<void> {
    const sessionIds = await this.#redis.smembers(this.#byUser + userId)
    await this.#redis.del(this.#byUser + userId, ...sessionIds.map((sessionId) => this.#prefix + sessionId))
  }
}
