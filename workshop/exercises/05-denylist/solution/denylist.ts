import type { Redis } from 'ioredis'

const key = (jti: string) => `deny:${jti}`

/** Remembers that the token `jti` is revoked until `exp` (seconds since 1970): one round trip. */
export async function revoke(redis: Redis, jti: string, exp: number): Promise<void> {
  const secondsLeft = exp - Math.floor(Date.now() / 1000)
  // An expired token is refused anyway: nothing to remember.
  if (secondsLeft > 0) await redis.set(key(jti), '1', 'EX', secondsLeft)
}

/** Whether `jti` was revoked: one round trip. */
export async function isRevoked(redis: Redis, jti: string): Promise<boolean> {
  return (await redis.exists(key(jti))) === 1
}
