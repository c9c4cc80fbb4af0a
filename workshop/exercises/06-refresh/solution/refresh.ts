import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Pool } from 'pg'

export type Rotation =
  | { status: 'rotated'; token: string; userId: string }
  | { status: 'reused' }
  | { status: 'invalid' }

/** SHA-256 of a token, hex: what the table stores instead of the token. */
export const hash = (token: string) => createHash('sha256').update(token).digest('hex')

async function store(db: Pool, familyId: string, userId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await db.query('INSERT INTO refresh_tokens (token_hash, family_id, user_id) VALUES ($1, $2, $3)', [hash(token), familyId, userId])
  return token
}

/** Starts a login: a new random token in a new family, stored hashed. */
export async function issue(db: Pool, userId: string): Promise<string> {
  return store(db, randomUUID(), userId)
}

/** Exchanges a token for the next one of its family; a second use revokes the family. */
export async function rotate(db: Pool, token: string): Promise<Rotation> {
  // The check is part of the update, so of two simultaneous rotations Postgres lets one win.
  const won = await db.query<{ family_id: string; user_id: string }>(
    `UPDATE refresh_tokens SET used_at = now()
     WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL
     RETURNING family_id, user_id`,
    [hash(token)],
  )
  const row = won.rows[0]
  if (row) return { status: 'rotated', token: await store(db, row.family_id, row.user_id), userId: row.user_id }

  const seen = await db.query<{ family_id: string; used_at: Date | null }>(
    'SELECT family_id, used_at FROM refresh_tokens WHERE token_hash = $1',
    [hash(token)],
  )
  const old = seen.rows[0]
  if (!old?.used_at) return { status: 'invalid' }
  await db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [old.family_id])
  return { status: 'reused' }
}
