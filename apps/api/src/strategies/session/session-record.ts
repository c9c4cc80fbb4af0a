import type { User } from '@lab/contracts'

/** What a session keeps: its user, when it began and was last used (for the idle timeout), and from which browser. */
export interface SessionRecord {
  user: User
  /** ms since the epoch; absent in sessions stored before the lab recorded it */
  createdAt?: number
  /** ms since the epoch, refreshed at most once per touch interval */
  lastSeenAt: number
  /** the User-Agent of the login, for the user's list of their logins */
  userAgent?: string | null
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
  /** The live sessions of a user (a lookup by user, not a scan). */
  listOf(userId: string): Promise<Array<{ sessionId: string; record: SessionRecord }>>
  /** Ends every session of a user (a password change, "log out everywhere"). */
  destroyAllOf(userId: string): Promise<void>
  /** Ends every session there is (an admin's "everyone out"). */
  destroyAll(): Promise<void>
}
