import { createHash, randomBytes } from 'node:crypto'
import type pg from 'pg'
import type { StrategyName, User } from '@lab/contracts'

export type Rotation =
  | { status: 'rotated'; token: string; familyId: string; user: User }
  /** a token that was already rotated came back: its whole family has just been revoked */
  | { status: 'reused'; familyId: string }
  | { status: 'invalid' }

const sha256 = (token: string) => createHash('sha256').update(token).digest()

/**
 * Opaque refresh tokens (256 random bits), stored only as SHA-256 hashes. A family is one login;
 * each use rotates the token in a single statement, so of two parallel refreshes only one can win.
 * Presenting a rotated token again revokes the family (RFC 9700 §4.14.2).
 */
export class RefreshTokens {
  readonly #pg: pg.Pool
  readonly #ttl: number

  constructor(pool: pg.Pool, ttlSeconds: number) {
    this.#pg = pool
    this.#ttl = ttlSeconds
  }

  async issue(userId: string, strategy: StrategyName): Promise<{ token: string; familyId: string }> {
    const token = randomBytes(32).toString('base64url')
    const { rows } = await this.#pg.query<{ family_id: string }>({
      name: 'INSERT refresh_tokens',
      text: `INSERT INTO refresh_tokens (token_hash, family_id, user_id, strategy, expires_at)
             VALUES ($1, gen_random_uuid(), $2, $3, now() + make_interval(secs => $4)) RETURNING family_id`,
      values: [sha256(token), userId, strategy, this.#ttl],
    })
    return { token, familyId: (rows[0] as { family_id: string }).family_id }
  }

  async rotate(presented: string, strategy: StrategyName): Promise<Rotation> {
    const token = randomBytes(32).toString('base64url')
    // The new token inherits the family's expiry: rotation never extends a login past REFRESH_TOKEN_TTL.
    const { rows } = await this.#pg.query<{ family_id: string } & User>({
      name: 'ROTATE refresh_tokens',
      text: `WITH old AS (
               UPDATE refresh_tokens SET rotated_at = now()
               WHERE token_hash = $1 AND strategy = $2
                 AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > now()
               RETURNING family_id, user_id, expires_at
             ), fresh AS (
               INSERT INTO refresh_tokens (token_hash, family_id, user_id, strategy, expires_at)
               SELECT $3, family_id, user_id, $2, expires_at FROM old
               RETURNING family_id, user_id
             )
             SELECT fresh.family_id, users.id, users.username, users.role
             FROM fresh JOIN users ON users.id = fresh.user_id`,
      values: [sha256(presented), strategy, sha256(token)],
    })
    const row = rows[0]
    if (row) {
      return { status: 'rotated', token, familyId: row.family_id, user: { id: row.id, username: row.username, role: row.role } }
    }
    const reused = await this.#pg.query<{ family_id: string }>({
      name: 'REVOKE reused refresh_tokens',
      text: `WITH reused AS (
               SELECT family_id FROM refresh_tokens
               WHERE token_hash = $1 AND strategy = $2 AND rotated_at IS NOT NULL
             ), revoked AS (
               UPDATE refresh_tokens SET revoked_at = now()
               WHERE family_id IN (SELECT family_id FROM reused) AND revoked_at IS NULL
             )
             SELECT family_id FROM reused`,
      values: [sha256(presented), strategy],
    })
    const familyId = reused.rows[0]?.family_id
    return familyId ? { status: 'reused', familyId } : { status: 'invalid' }
  }

  /** Revokes every live family of a user, and says which they were. */
  async revokeUser(userId: string, strategy: StrategyName): Promise<string[]> {
    const { rows } = await this.#pg.query<{ family_id: string }>({
      name: 'REVOKE refresh_tokens of user',
      text: `UPDATE refresh_tokens SET revoked_at = now()
             WHERE user_id = $1 AND strategy = $2 AND revoked_at IS NULL AND expires_at > now() RETURNING family_id`,
      values: [userId, strategy],
    })
    return [...new Set(rows.map((row) => row.family_id))]
  }

  async revokeFamily(familyId: string): Promise<void> {
    await this.#pg.query({
      name: 'REVOKE refresh_tokens',
      text: 'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
      values: [familyId],
    })
  }
}
