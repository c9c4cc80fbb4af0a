import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { hash, verify } from '@node-rs/argon2'
import type { Role, User } from '@lab/contracts'
import type { AppOptions } from '../../app.ts'

/** OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane); argon2id is the library's default algorithm. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

/** How passwords are hashed and checked. The default runs argon2 on libuv's thread pool, off the event loop. */
export interface PasswordHasher {
  hash(password: string | Uint8Array, options: typeof ARGON2): Promise<string>
  verify(hashed: string, password: string): Promise<boolean>
}

const threadPoolHasher: PasswordHasher = { hash, verify }

export const DEMO_USERS: ReadonlyArray<{ username: string; password: string; role: Role }> = [
  { username: 'alice', password: 'alice-password', role: 'user' },
  { username: 'admin', password: 'admin-password', role: 'admin' },
]

export interface UserService {
  /** The user when the password matches; null for a wrong password and an unknown user alike, in about the same time. */
  verifyCredentials(username: string, password: string): Promise<User | null>
  create(username: string, password: string, role: Role): Promise<User>
  /** Stores a new hash when the current password matches; false when it does not. */
  changePassword(userId: string, currentPassword: string, newPassword: string): Promise<boolean>
}

declare module 'fastify' {
  interface FastifyInstance {
    users: UserService
  }
}

async function usersPlugin(fastify: FastifyInstance, opts: AppOptions) {
  const { pg } = fastify
  const hasher = opts.passwordHasher ?? threadPoolHasher
  // An unknown user still costs one argon2 verification, so timing does not reveal which usernames exist.
  const decoyHash = await hasher.hash(randomBytes(32), ARGON2)

  const users: UserService = {
    async verifyCredentials(username, password) {
      const { rows } = await pg.query<User & { password_hash: string }>({
        name: 'SELECT users',
        text: 'SELECT id, username, role, password_hash FROM users WHERE username = $1',
        values: [username],
      })
      const row = rows[0]
      const matches = await hasher.verify(row?.password_hash ?? decoyHash, password)
      return row && matches ? { id: row.id, username: row.username, role: row.role } : null
    },
    async create(username, password, role) {
      const { rows } = await pg.query<User>(
        'INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3) RETURNING id, username, role',
        [username, await hasher.hash(password, ARGON2), role],
      )
      return rows[0] as User
    },
    async changePassword(userId, currentPassword, newPassword) {
      const { rows } = await pg.query<{ password_hash: string }>({
        name: 'SELECT users by id',
        text: 'SELECT password_hash FROM users WHERE id = $1',
        values: [userId],
      })
      const row = rows[0]
      if (!row || !(await hasher.verify(row.password_hash, currentPassword))) return false
      await pg.query({
        name: 'UPDATE users password',
        text: 'UPDATE users SET password_hash = $2 WHERE id = $1',
        values: [userId, await hasher.hash(newPassword, ARGON2)],
      })
      return true
    },
  }

  if (opts.config.seedDemoUsers) {
    for (const user of DEMO_USERS) {
      await pg.query(
        'INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING',
        [user.username, await hasher.hash(user.password, ARGON2), user.role],
      )
    }
  }
  fastify.decorate('users', users)
}

export default fp(usersPlugin, { name: 'users', dependencies: ['postgres'] })
