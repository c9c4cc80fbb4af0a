import type { Redis } from 'ioredis'
import type { SessionRecord, SessionStore } from './session-record.ts'

const PREFIX = 'lab:session:'

/** Sessions in Redis: one GET per request, SET with EX at login, DEL at logout. */
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
  }

  async destroy(sessionId: string): Promise<void> {
    await this.#redis.del(PREFIX + sessionId)
  }
}
