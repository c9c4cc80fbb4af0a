import type { SessionRecord, SessionStore } from '../session/session-record.ts'

/** Beyond this many sessions, a login first drops the expired ones. */
const SWEEP_ABOVE = 1000

/**
 * Sessions in this process's memory: no round trip at all, and invisible to every other replica,
 * which is the whole point of the replicas view. Expiry is absolute, as in the other stores.
 */
export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, { record: SessionRecord; expiresAt: number }>()

  async get(sessionId: string): Promise<SessionRecord | null> {
    const entry = this.#sessions.get(sessionId)
    if (entry === undefined) return null
    if (entry.expiresAt <= Date.now()) {
      this.#sessions.delete(sessionId)
      return null
    }
    return entry.record
  }

  async set(sessionId: string, record: SessionRecord, ttlSeconds: number): Promise<void> {
    if (this.#sessions.size >= SWEEP_ABOVE) this.#sweep()
    this.#sessions.set(sessionId, { record, expiresAt: Date.now() + ttlSeconds * 1000 })
  }

  async touch(sessionId: string, record: SessionRecord): Promise<void> {
    const entry = this.#sessions.get(sessionId)
    if (entry) entry.record = record
  }

  async destroy(sessionId: string): Promise<void> {
    this.#sessions.delete(sessionId)
  }

  async listOf(userId: string): Promise<Array<{ sessionId: string; record: SessionRecord }>> {
    const now = Date.now()
    return [...this.#sessions]
      .filter(([, entry]) => entry.record.user.id === userId && entry.expiresAt > now)
      .map(([sessionId, entry]) => ({ sessionId, record: entry.record }))
  }

  async destroyAll(): Promise<void> {
    this.#sessions.clear()
  }

  async destroyAllOf(userId: string): Promise<void> {
    for (const [sessionId, entry] of this.#sessions) if (entry.record.user.id === userId) this.#sessions.delete(sessionId)
  }

  #sweep(): void {
    const now = Date.now()
    for (const [sessionId, entry] of this.#sessions) if (entry.expiresAt <= now) this.#sessions.delete(sessionId)
  }
}
