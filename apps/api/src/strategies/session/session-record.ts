import type { Session } from 'fastify'

/** Seconds until a session expires: its cookie's expiry, else the configured TTL. */
export function secondsToLive(session: Session, fallbackTtl: number): number {
  const expires = session.cookie?.expires
  if (expires instanceof Date || typeof expires === 'string') {
    return Math.max(1, Math.ceil((new Date(expires).getTime() - Date.now()) / 1000))
  }
  return fallbackTtl
}

/** Adapts a promise-returning store to @fastify/session's callback interface. */
export function callback<T>(promise: Promise<T>, done: (error?: unknown, value?: T) => void): void {
  promise.then(
    (value) => done(null, value),
    (error: unknown) => done(error),
  )
}
