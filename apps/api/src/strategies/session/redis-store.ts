import type { Session } from 'fastify'
import type { SessionStore } from '@fastify/session'
import type { Redis } from 'ioredis'
import { callback, secondsToLive } from './session-record.ts'

const PREFIX = 'lab:session:'

/** @fastify/session store over ioredis: one GET per request, SET with EX at login, DEL at logout. */
export class RedisSessionStore implements SessionStore {
  readonly #redis: Redis
  readonly #ttl: number

  constructor(redis: Redis, ttlSeconds: number) {
    this.#redis = redis
    this.#ttl = ttlSeconds
  }

  get(sessionId: string, done: (error: unknown, session?: Session | null) => void): void {
    callback(
      this.#redis.get(PREFIX + sessionId).then((json) => (json === null ? null : (JSON.parse(json) as Session))),
      done as (error?: unknown, value?: Session | null) => void,
    )
  }

  set(sessionId: string, session: Session, done: (error?: unknown) => void): void {
    callback(this.#redis.set(PREFIX + sessionId, JSON.stringify(session), 'EX', secondsToLive(session, this.#ttl)), done)
  }

  destroy(sessionId: string, done: (error?: unknown) => void): void {
    callback(this.#redis.del(PREFIX + sessionId), done)
  }
}
