import type { Redis } from 'ioredis'

/** Remembers that the token `jti` is revoked until `exp` (seconds since 1970): one round trip. */
export async function revoke(redis: Redis, jti: string, exp: number): Promise<void> {
  // TODO: one SET with an expiry that ends when the token does.
  throw new Error('TODO: revoke in denylist.ts')
}

/** Whether `jti` was revoked: one round trip. */
export async function isRevoked(redis: Redis, jti: string): Promise<boolean> {
  // TODO: look the key up.
  throw new Error('TODO: isRevoked in denylist.ts')
}
