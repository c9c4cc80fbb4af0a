import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Signer } from '@fastify/cookie'
import { SESSION_COOKIE } from '@lab/contracts'
import { cookieNameFor } from '../../cookies.ts'
import { authExpired, authInvalid, authMissing } from '../../errors.ts'
import type { Strategy, StrategyModule } from '../types.ts'
import { RedisSessionStore } from './redis-store.ts'
import type { SessionStore } from './session-record.ts'

/** What login issues: 32 random bytes, base64url. */
const SESSION_ID = /^[\w-]{43}$/

interface SessionStrategyOptions<Name extends keyof typeof SESSION_COOKIE> {
  name: Name
  store: (scope: FastifyInstance) => SessionStore
}

/**
 * Server sessions: the cookie carries only a random 256-bit id signed with SESSION_SECRET, the user
 * lives in the store, and logout deletes it. Shared by `session` (Redis) and `session-pg` (Postgres),
 * and by the replicas view's `session-memory` (one process's memory).
 *
 * Written out rather than with @fastify/session, whose per-request path (a second HMAC to re-sign the
 * id, two stable-stringify + SHA-256 passes to detect changes, a Session and a Cookie object) halved
 * the throughput of the same single store lookup; see packages/bench. The cookie format is the same
 * (`<id>.<HMAC-SHA256>`, signed by @fastify/cookie's Signer).
 */
export function sessionStrategy<Name extends keyof typeof SESSION_COOKIE>({
  name,
  store,
}: SessionStrategyOptions<Name>): StrategyModule<Name> {
  const cookieName = SESSION_COOKIE[name]
  return {
    name,
    async setup(scope): Promise<Strategy> {
      const { config } = scope
      const sessions = store(scope)
      const idleTimeoutMs = config.sessionIdleTimeout * 1000
      const touchIntervalMs = Math.min(60_000, idleTimeoutMs / 4)
      const signer = new Signer(config.sessionSecret, 'sha256')
      const cookie = { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: config.sessionTtl } as const

      const nameOn = (request: FastifyRequest) => cookieNameFor(request, cookieName, cookie.path)
      /** The id the request's cookie carries when its signature holds; a forged or altered id never reaches the store. */
      const sessionIdOf = (request: FastifyRequest): string | null => {
        const signed = request.cookies[nameOn(request)]
        if (!signed) return null
        const { valid, value } = signer.unsign(signed)
        // Only ids this code could have issued reach the store, even when signed with the secret.
        return valid && value !== null && SESSION_ID.test(value) ? value : null
      }

      return {
        async login(request, reply, user) {
          // A fresh id at every login, and the presented one destroyed: an id planted before login
          // (session fixation) never becomes authenticated.
          const previous = sessionIdOf(request)
          if (previous) await sessions.destroy(previous)
          const sessionId = randomBytes(32).toString('base64url')
          await sessions.set(sessionId, { user, lastSeenAt: Date.now() }, config.sessionTtl)
          reply.setCookie(nameOn(request), signer.sign(sessionId), cookie)
          return undefined
        },
        async authenticate(request) {
          if (!request.cookies[nameOn(request)]) throw authMissing()
          const sessionId = sessionIdOf(request)
          const record = sessionId === null ? null : await sessions.get(sessionId)
          if (!record) throw authInvalid('Session not found or expired')
          const idle = Date.now() - record.lastSeenAt
          if (idle > idleTimeoutMs) {
            await sessions.destroy(sessionId as string)
            throw authExpired()
          }
          // A write only when the last one is older than the touch interval: most requests stay one lookup.
          if (idle > touchIntervalMs) await sessions.touch(sessionId as string, { ...record, lastSeenAt: Date.now() })
          return record.user
        },
        async logout(request, reply) {
          const sessionId = sessionIdOf(request)
          if (sessionId !== null) await sessions.destroy(sessionId)
          reply.clearCookie(nameOn(request), { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto' })
        },
        async revokeUser(userId) {
          await sessions.destroyAllOf(userId)
        },
      }
    },
  }
}

export default sessionStrategy({ name: 'session', store: (scope) => new RedisSessionStore(scope.redis) })
