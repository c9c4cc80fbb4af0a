import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { hash, verify } from '@node-rs/argon2'
import type { Role, User } from '@lab/contracts'
import type { AppOptions } from '../../app.ts'
import { AppError } from '../../errors.ts'
import { guessesLog10 } from '../../guessability.ts'

/** OWASP's argon2id minimum (19 MiB, 2 passes, 1 lane); argon2id is the library's default algorithm. */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }
/** How a hash made with today's parameters begins (PHC string format): any other is upgraded at the next login. */
const CURRENT_HASH = `$argon2id$v=19$m=${ARGON2.memoryCost},t=${ARGON2.timeCost},p=${ARGON2.parallelism}$`

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

/** zxcvbn's "very unguessable" (10^10 guesses): no common password, no username or lab word with a digit tacked on. */
const MIN_PASSWORD_GUESSES_LOG10 = 10

export interface UserService {
  /** The user when the password matches; null for a wrong password and an unknown user alike, in about the same time. */
  verifyCredentials(username: string, password: string): Promise<User | null>
  /**
   * A login attempt as the routes make it: rate-limited per account and per client (429), the
   * password checked (401 INVALID_CREDENTIALS), and the outcome logged as an authentication event.
   */
  logIn(request: FastifyRequest, reply: FastifyReply, username: string, password: string): Promise<User>
  create(username: string, password: string, role: Role): Promise<User>
  findByUsername(username: string): Promise<User | null>
  /** The user's password given again (re-authentication): rate-limited like a login, 401 when wrong. */
  confirmPassword(request: FastifyRequest, user: User, password: string): Promise<void>
  /**
   * A password change as the routes make it: rate-limited like a login (the current password is a
   * guess too), refused when wrong (401) or when the new one is easy to guess (400 WEAK_PASSWORD).
   */
  changePassword(request: FastifyRequest, user: User, currentPassword: string, newPassword: string): Promise<void>
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
      if (!row || !matches) return null
      // Only now is the password in hand: a hash of older, weaker parameters is replaced by one of today's.
      if (!row.password_hash.startsWith(CURRENT_HASH)) {
        await pg.query({
          name: 'UPDATE users rehash',
          text: 'UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = $3',
          values: [row.id, await hasher.hash(password, ARGON2), row.password_hash],
        })
      }
      return { id: row.id, username: row.username, role: row.role }
    },
    async logIn(request, reply, username, password) {
      const strategy = request.routeOptions.config.strategy ?? null
      await fastify.authThrottle.beforeAttempt(request, username)
      const user = await users.verifyCredentials(username, password)
      if (!user) {
        await fastify.authThrottle.failed(request, username)
        request.log.warn({ event: 'login.failure', username, strategy, ip: request.ip }, 'login failed')
        throw new AppError(401, 'INVALID_CREDENTIALS', 'Invalid username or password')
      }
      await fastify.authThrottle.succeeded(request, reply, username)
      request.log.info({ event: 'login.success', userId: user.id, username, strategy, ip: request.ip }, 'login succeeded')
      return user
    },
    async create(username, password, role) {
      const { rows } = await pg.query<User>(
        'INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3) RETURNING id, username, role',
        [username, await hasher.hash(password, ARGON2), role],
      )
      return rows[0] as User
    },
    async findByUsername(username) {
      const { rows } = await pg.query<User>({
        name: 'SELECT users by username',
        text: 'SELECT id, username, role FROM users WHERE username = $1',
        values: [username],
      })
      return rows[0] ?? null
    },
    async confirmPassword(request, user, password) {
      await fastify.authThrottle.beforeAttempt(request, user.username)
      const { rows } = await pg.query<{ password_hash: string }>({
        name: 'SELECT users by id',
        text: 'SELECT password_hash FROM users WHERE id = $1',
        values: [user.id],
      })
      const row = rows[0]
      if (!row || !(await hasher.verify(row.password_hash, password))) {
        await fastify.authThrottle.failed(request, user.username)
        const strategy = request.routeOptions.config.strategy ?? null
        request.log.warn({ event: 'reauthentication.failure', userId: user.id, username: user.username, strategy, ip: request.ip }, 'wrong password given again')
        throw new AppError(401, 'INVALID_CREDENTIALS', 'The password is wrong')
      }
    },
    async changePassword(request, user, currentPassword, newPassword) {
      const event = { userId: user.id, username: user.username, strategy: request.routeOptions.config.strategy ?? null, ip: request.ip }
      await users.confirmPassword(request, user, currentPassword)
      const guessable = guessesLog10(newPassword, [user.username])
      if (guessable.log10 < MIN_PASSWORD_GUESSES_LOG10) {
        const why = guessable.warning ?? 'It is made of words, names or patterns an attacker tries first.'
        throw new AppError(400, 'WEAK_PASSWORD', `The new password is too easy to guess. ${why} Try a few unrelated words.`)
      }
      await pg.query({
        name: 'UPDATE users password',
        text: 'UPDATE users SET password_hash = $2 WHERE id = $1',
        values: [user.id, await hasher.hash(newPassword, ARGON2)],
      })
      request.log.info({ event: 'password.change', ...event }, 'password changed')
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

export default fp(usersPlugin, { name: 'users', dependencies: ['postgres', 'rate-limit'] })
