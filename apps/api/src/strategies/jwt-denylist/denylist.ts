import type { Redis } from 'ioredis'
import type { AccessClaims } from '../jwt/access-token.ts'

const TOKEN = 'lab:deny:jti:'
const FAMILY = 'lab:deny:sid:'
/** When an admin ended every login: tokens issued up to then (seconds since the epoch) are refused. */
const EVERYONE = 'lab:deny:issued-up-to'

/**
 * The revocation list that makes logout immediate for JWTs, at the price of one Redis round trip per
 * request. Entries expire with the tokens they block, so the list never outgrows the live tokens.
 */
export class Denylist {
  readonly #redis: Redis
  readonly #accessTokenTtl: number

  constructor(redis: Redis, accessTokenTtlSeconds: number) {
    this.#redis = redis
    this.#accessTokenTtl = accessTokenTtlSeconds
  }

  /** One MGET: the token itself, its login (family) for tokens issued before a refresh, and an admin's "everyone out". */
  async isRevoked(claims: AccessClaims): Promise<boolean> {
    const [token, family, everyone] = await this.#redis.mget(TOKEN + claims.jti, FAMILY + claims.sid, EVERYONE)
    return token !== null || family !== null || (everyone !== null && claims.iat <= Number(everyone))
  }

  /** Refuses every token issued until now, for as long as any of them can live. */
  async revokeEveryone(): Promise<void> {
    await this.#redis.set(EVERYONE, String(Math.floor(Date.now() / 1000)), 'EX', this.#accessTokenTtl)
  }

  /** Blocks this token until its `exp`, and every token of its login for as long as any can live. */
  async revoke(claims: AccessClaims): Promise<void> {
    const remaining = Math.max(1, claims.exp - Math.floor(Date.now() / 1000))
    await this.#redis.set(TOKEN + claims.jti, '1', 'EX', remaining)
    await this.revokeFamily(claims.sid)
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.#redis.set(FAMILY + familyId, '1', 'EX', this.#accessTokenTtl)
  }
}
