import type { User } from '@lab/contracts'

/** What a session keeps: its user, for the session's whole life. */
export interface SessionRecord {
  user: User
}

/**
 * Where sessions live. A session expires `ttlSeconds` after login however active it is (absolute
 * timeout): the stores never extend it, so reading one is a single lookup and never a write.
 */
export interface SessionStore {
  get(sessionId: string): Promise<SessionRecord | null>
  set(sessionId: string, record: SessionRecord, ttlSeconds: number): Promise<void>
  destroy(sessionId: string): Promise<void>
}
