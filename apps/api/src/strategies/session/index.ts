import { createHash, randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { SESSION_COOKIE, type LoginInfo, type User } from '@lab/contracts'
import { cookieNameFor } from '../../cookies.ts'
import { authExpired, authInvalid, authMissing } from '../../errors.ts'
import type { Strategy, StrategyModule } from '../types.ts'
import { REDIS_SESSION_NAMESPACE, RedisSessionStore } from './redis-store.ts'
import { SessionCookieSigner } from './session-cookie.ts'
import type { SessionCache } from '../session-cached/session-cache.ts'
import type { SessionRecord, SessionStore } from './session-record.ts'

interface SessionStrategyOptions<Name extends keyof typeof SESSION_COOKIE> {
  name: Name
  store: (scope: FastifyInstance) => SessionStore
  /** `session-cached`: a signed short-lived copy of the session in a cookie, trusted without the store while fresh */
  cache?: (scope: FastifyInstance) => SessionCache
}

/** A session's name in the list of logins: it identifies the session without being its credential. */
const publicId = (sessionId: string) => createHash('sha256').update(sessionId).digest('base64url').slice(0, 22)

const userAgentOf = (request: FastifyRequest) => request.headers['user-agent']?.slice(0, 256) ?? null

/**
 * Server sessions: the cookie carries only a random 256-bit id signed with SESSION_SECRET, the user
 * lives in the store, and logout deletes it. Shared by `session` (Redis), `session-pg` (Postgres) and
 * `session-cached` (Redis, plus a cached copy), and by the replicas view's `session-memory`.
 *
 * Written out rather than with @fastify/session, whose per-request path (a second HMAC to re-sign the
 * id, two stable-stringify + SHA-256 passes to detect changes, a Session and a Cookie object) halved
 * the throughput of the same single store lookup; see packages/bench. The cookie format is the same
 * (`<id>.<HMAC-SHA256>`, signed by @fastify/cookie's Signer).
 */
export function sessionStrategy<Name extends keyof typeof SESSION_COOKIE>({
  name,
  store,
  cache: makeCache,
}: SessionStrategyOptions<Name>): StrategyModule<Name> {
  const cookieName = SESSION_COOKIE[name]
  return {
    name,
    async setup(scope): Promise<Strategy> {
      const { config } = scope
      const sessions = store(scope)
      const cache = makeCache?.(scope)
      const idleTimeoutMs = config.sessionIdleTimeout * 1000
      const touchIntervalMs = Math.min(60_000, idleTimeoutMs / 4)
      const signer = new SessionCookieSigner(config.sessionSecret, config.sessionSecretPrevious)
      const cookie = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: config.sessionTtl } as const

      const nameOn = (request: FastifyRequest) => cookieNameFor(request, cookieName, cookie.path)
      /** The id the request's cookie carries when its signature holds; a forged or altered id never reaches the store. */
      const sessionIdOf = (request: FastifyRequest): string | null => {
        const signed = request.cookies[nameOn(request)]
        return signed ? signer.read(signed) : null
      }
      const isLive = (record: SessionRecord) => Date.now() - record.lastSeenAt <= idleTimeoutMs
      const describe = (sessionId: string, record: SessionRecord, current: string | null): LoginInfo => ({
        id: publicId(sessionId),
        createdAt: new Date(record.createdAt ?? record.lastSeenAt).toISOString(),
        lastSeenAt: new Date(record.lastSeenAt).toISOString(),
        userAgent: record.userAgent ?? null,
        current: sessionId === current,
      })

      /** The store's answer for the session of the signed cookie, or a 401 saying why not. */
      async function lookUp(signed: string): Promise<User> {
        const sessionId = signer.read(signed)
        const record = sessionId === null ? null : await sessions.get(sessionId)
        if (sessionId === null || !record) throw authInvalid('Session not found or expired')
        const idle = Date.now() - record.lastSeenAt
        if (idle > idleTimeoutMs) {
          await sessions.destroy(sessionId)
          throw authExpired()
        }
        // A write only when the last one is older than the touch interval: most requests stay one lookup.
        if (idle > touchIntervalMs) await sessions.touch(sessionId, { ...record, lastSeenAt: Date.now() })
        return record.user
      }

      return {
        async login(request, reply, user, options) {
          // A fresh id at every login, and the presented one destroyed: an id planted before login
          // (session fixation) never becomes authenticated.
          const previous = sessionIdOf(request)
          if (previous) await sessions.destroy(previous)
          const sessionId = randomBytes(32).toString('base64url')
          const now = Date.now()
          await sessions.set(sessionId, { user, createdAt: now, lastSeenAt: now, userAgent: userAgentOf(request) }, config.sessionTtl)
          const signed = signer.sign(sessionId)
          reply.setCookie(nameOn(request), signed, cookie)
          cache?.issue(request, reply, user, signed, options?.ttlSeconds)
          return undefined
        },
        async authenticate(request, reply) {
          const signed = request.cookies[nameOn(request)]
          if (!signed) throw authMissing()
          // A fresh copy bound to this very session cookie answers without the store.
          const cached = cache?.read(request, signed)
          if (cached) return cached
          const user = await lookUp(signed)
          cache?.issue(request, reply, user, signed)
          return user
        },
        async logout(request, reply) {
          const sessionId = sessionIdOf(request)
          if (sessionId !== null) await sessions.destroy(sessionId)
          reply.clearCookie(nameOn(request), { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto' })
          cache?.clear(request, reply)
        },
        async listLogins(request, user) {
          const current = sessionIdOf(request)
          const live = (await sessions.listOf(user.id)).filter(({ record }) => isLive(record))
          return live.map(({ sessionId, record }) => describe(sessionId, record, current)).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        },
        async authenticatedAt(request) {
          const sessionId = sessionIdOf(request)
          const record = sessionId === null ? null : await sessions.get(sessionId)
          return record?.createdAt ?? null
        },
        async endLogin(user, id) {
          const match = (await sessions.listOf(user.id)).find(({ sessionId }) => publicId(sessionId) === id)
          if (!match) return false
          await sessions.destroy(match.sessionId)
          return true
        },
        async revokeUser(userId) {
          await sessions.destroyAllOf(userId)
        },
        async revokeEveryone() {
          await sessions.destroyAll()
        },
      }
    },
  }
}

export default sessionStrategy({ name: 'session', store: (scope) => new RedisSessionStore(scope.redis, REDIS_SESSION_NAMESPACE.session) })
