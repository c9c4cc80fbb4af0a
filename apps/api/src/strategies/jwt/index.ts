import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { REFRESH_COOKIE, type User } from '@lab/contracts'
import { cookieNameFor } from '../../cookies.ts'
import { authInvalid, authMissing, authRevoked } from '../../errors.ts'
import type { Denylist } from '../jwt-denylist/denylist.ts'
import type { Strategy, StrategyModule } from '../types.ts'
import { AccessTokens, readBearer, type AccessClaims } from './access-token.ts'
import { RefreshTokens } from './refresh-tokens.ts'

interface TokenStrategyOptions {
  name: 'jwt' | 'jwt-denylist'
  /** checked on every request and written at logout; without one, logout cannot revoke an access token */
  denylist?: (scope: FastifyInstance) => Denylist
}

/**
 * Stateless access tokens (HS256 or EdDSA, short TTL) with opaque rotating refresh tokens in an HttpOnly
 * cookie scoped to the refresh route. Shared by `jwt` and `jwt-denylist`.
 */
export function tokenStrategy({ name, denylist: makeDenylist }: TokenStrategyOptions): StrategyModule {
  return {
    name,
    async setup(scope): Promise<Strategy> {
      const { config } = scope
      const accessTokens = new AccessTokens(scope.signingKeys, name, config.accessTokenTtl)
      const refreshTokens = new RefreshTokens(scope.pg, {
        ttlSeconds: config.refreshTokenTtl,
        idleSeconds: config.refreshIdleTimeout,
        graceSeconds: config.refreshReuseGrace,
        secret: config.sessionSecret,
      })
      const denylist = makeDenylist?.(scope)
      // The refresh token goes only where it is needed: to refresh, to end its login at logout, and to
      // a new login that replaces it. Never to /me or /admin.
      const refreshPaths = ['refresh', 'logout', 'login'].map((route) => `${scope.prefix}/${route}`)

      const refreshCookie = (request: FastifyRequest) => cookieNameFor(request, REFRESH_COOKIE, refreshPaths[0] as string)
      const setRefreshCookie = (request: FastifyRequest, reply: FastifyReply, token: string) => {
        for (const path of refreshPaths) {
          reply.setCookie(refreshCookie(request), token, { path, httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: config.refreshTokenTtl })
        }
      }
      const clearRefreshCookie = (request: FastifyRequest, reply: FastifyReply) => {
        for (const path of refreshPaths) reply.clearCookie(refreshCookie(request), { path, httpOnly: true, sameSite: 'strict', secure: 'auto' })
      }
      /** Ends the logins a request holds: the family its access token names (even expired) and its refresh token's. */
      const endPresentedLogins = async (request: FastifyRequest, claims: AccessClaims | null) => {
        const families = await refreshTokens.revokeFamilies(name, claims?.sid ?? null, request.cookies[refreshCookie(request)] ?? null)
        if (claims) await denylist?.revoke(claims)
        for (const familyId of families) if (familyId !== claims?.sid) await denylist?.revokeFamily(familyId)
      }

      async function authenticate(claims: AccessClaims): Promise<User> {
        if (denylist && (await denylist.isRevoked(claims))) throw authRevoked('Access token revoked at logout')
        return { id: claims.sub, username: claims.username, role: claims.role }
      }

      return {
        async login(request, reply, user) {
          // A new login replaces the one this browser still holds: its refresh family ends here.
          await endPresentedLogins(request, null)
          const { token, familyId } = await refreshTokens.issue(user.id, name)
          setRefreshCookie(request, reply, token)
          return accessTokens.issue(user, familyId)
        },
        async authenticate(request) {
          return authenticate(accessTokens.verify(readBearer(request)))
        },
        async logout(request, reply) {
          clearRefreshCookie(request, reply)
          let claims: AccessClaims | null = null
          try {
            // An expired access token still proves which login it belonged to: logout ends that login.
            claims = accessTokens.verify(readBearer(request), { allowExpired: true })
          } catch {
            // no usable access token: the refresh cookie alone says which login to end
          }
          await endPresentedLogins(request, claims)
        },
        async revokeUser(userId) {
          const families = await refreshTokens.revokeUser(userId, name)
          for (const familyId of families) await denylist?.revokeFamily(familyId)
        },
        async refresh(request, reply) {
          const presented = request.cookies[refreshCookie(request)]
          if (!presented) throw authMissing()
          const rotation = await refreshTokens.rotate(presented, name)
          if (rotation.status !== 'rotated') {
            clearRefreshCookie(request, reply)
            if (rotation.status === 'invalid') throw authInvalid('Refresh token invalid, expired or revoked')
            await denylist?.revokeFamily(rotation.familyId)
            request.log.warn({ event: 'refresh.reuse', familyId: rotation.familyId, strategy: name, ip: request.ip }, 'refresh token reused: login revoked')
            throw authRevoked('Refresh token reused: every token of this login is revoked')
          }
          setRefreshCookie(request, reply, rotation.token)
          return { ...accessTokens.issue(rotation.user, rotation.familyId), user: rotation.user }
        },
      }
    },
  }
}

export default tokenStrategy({ name: 'jwt' })
