import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Pool } from 'pg'

export type Rotation =
  | { status: 'rotated'; token: string; userId: string }
  | { status: 'reused' }
  | { status: 'invalid' }

/** SHA-256 of a token, hex: what the table stores instead of the token. */
export const hash = (token: string) => createHash('sha256').update(token).digest('hex')

/** Starts a login: a new random token in a new family, stored hashed. */
export async function issue(db: Pool, userId: string): Promise<string> {
  // TODO: a random token, a new family id, INSERT its hash, return the token.
  throw new Error('TODO: issue in refresh.ts')
}

/** Exchanges a token for the next one of its family; a second use revokes the family. */
export async function rotate(db: Pool, token: string): Promise<Rotation> {
  // TODO 1: mark the token used, only if it is unused and unrevoked, in ONE statement.
  // TODO 2: if that worked, insert the next token of the family and return it.
  // TODO 3: if the token had already been used, revoke its family: reuse detected.
  throw new Error('TODO: rotate in refresh.ts')
}
