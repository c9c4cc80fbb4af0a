import { performance } from 'node:perf_hooks'
import type { FastifyInstance } from 'fastify'
import fastifySession, { type SessionStore } from '@fastify/session'
import { SESSION_COOKIE, type User } from '@lab/contracts'
import { authInvalid, authMissing } from '../../errors.ts'
import { addAuthTime } from '../../plugins/app/round-trips.ts'
import type { Strategy, StrategyModule } from '../types.ts'
import { RedisSessionStore } from './redis-store.ts'

declare module 'fastify' {
  interface Session {
    user?: User
  }
}

interface SessionStrategyOptions {
  name: 'session' | 'session-pg'
  store: (scope: FastifyInstance) => SessionStore
}

/**
 * Server sessions with @fastify/session: the cookie carries only a signed random id, the user
 * lives in the store, and logout deletes it. Shared by `session` (Redis) and `session-pg` (Postgres).
 */
export function sessionStrategy({ name, store }: SessionStrategyOptions): StrategyModule {
  const cookieName = SESSION_COOKIE[name]
  return {
    name,
    async setup(scope): Promise<Strategy> {
      const { config } = scope
      // @fastify/session loads the session in its own onRequest hook: time it as the credential check.
      const loadStarted = Symbol('session load started')
      type Timed = { [loadStarted]?: number }
      scope.addHook('onRequest', async (request) => {
        ;(request as Timed)[loadStarted] = performance.now()
      })
      await scope.register(fastifySession, {
        secret: config.sessionSecret,
        cookieName,
        store: store(scope),
        // No store write for visitors who never log in, and none on every request:
        // a session is written at login only, and expires SESSION_TTL after it.
        saveUninitialized: false,
        rolling: false,
        cookie: {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure: 'auto',
          maxAge: config.sessionTtl * 1000,
        },
      })
      scope.addHook('onRequest', async (request) => {
        addAuthTime(request, performance.now() - ((request as Timed)[loadStarted] ?? performance.now()))
      })

      return {
        async login(request, _reply, user) {
          // A fresh id at every login: an id planted before it (session fixation) never becomes authenticated.
          await request.session.regenerate()
          request.session.set('user', user)
          return undefined
        },
        async authenticate(request) {
          const user = request.session?.get('user')
          if (user) return user
          throw request.cookies[cookieName] ? authInvalid('Session not found or expired') : authMissing()
        },
        async logout(request, reply) {
          if (request.session?.get('user')) await request.session.destroy()
          reply.clearCookie(cookieName, { path: '/', httpOnly: true, sameSite: 'lax' })
        },
      }
    },
  }
}

export default sessionStrategy({ name: 'session', store: (scope) => new RedisSessionStore(scope.redis, scope.config.sessionTtl) })
