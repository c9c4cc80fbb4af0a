import type { User } from '@lab/contracts'

/** What a session keeps: its user, and when it was last used (for the idle timeout). */
export interface SessionRecord {
  user: User
  /** ms since the epoch, refreshed at most once per touch interval */
  lastSeenAt: number
}

/**
 * Where sessions live. A session expires `ttlSeconds` after login however active it is (absolute
 * timeout): the stores never extend it. Reading one is a single lookup; `touch` rewrites its record
 * (the idle timeout's `lastSeenAt`) and keeps its expiry.
 */
export interface SessionStore {
  get(sessionId: string): Promise<SessionRecord | null>
  set(sessionId: string, record: SessionRecord, ttlSeconds: number): Promise<void>
  touch(sessionId: string, record: SessionRecord): Promise<void>
  destroy(sessionId: string): Promise<void>
  /** Ends every session of a user (a password change): a lookup by user, not a scan. */
  destroyAllOf(userId: string): Promise<void>
}
