import type { Redis } from 'ioredis'
import type { SessionRecord, SessionStore } from './session-record.ts'

const PREFIX = 'lab:session:'
/** A set per user of their session ids, so a password change can end them all. */
const BY_USER = 'lab:user-sessions:'

/** Sessions in Redis: one GET per request; at login SET with EX and the id added to its user's set; DEL at logout. */
export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis

  constructor(redis: Redis) {
    this.#redis = redis
  }

  async get(sessionId: string): Promise<SessionRecord | null> {
    const json = await this.#redis.get(PREFIX + sessionId)
    return json === null ? null : (JSON.parse(json) as SessionRecord)
  }

  async set(sessionId: string, record: SessionRecord, ttlSeconds: number): Promise<void> {
    await this.#redis.set(PREFIX + sessionId, JSON.stringify(record), 'EX', ttlSeconds)
    const byUser = BY_USER + record.user.id
    await this.#redis.sadd(byUser, sessionId)
    // The set lives as long as its newest session; ids of expired sessions in it are harmless.
    await this.#redis.expire(byUser, ttlSeconds)
  }

  async touch(sessionId: string, record: SessionRecord): Promise<void> {
    // XX: never recreate a session that ended meanwhile; KEEPTTL: never extend its absolute expiry.
    await this.#redis.set(PREFIX + sessionId, JSON.stringify(record), 'KEEPTTL', 'XX')
  }

  async destroy(sessionId: string): Promise<void> {
    await this.#redis.del(PREFIX + sessionId)
  }

  async destroyAllOf(userId: string): Promise<void> {
    const sessionIds = await this.#redis.smembers(BY_USER + userId)
    await this.#redis.del(BY_USER + userId, ...sessionIds.map((sessionId) => PREFIX + sessionId))
  }
}
