import type { FastifyReply, FastifyInstance } from 'fastify'
import { REFRESH_COOKIE, type User } from '@lab/contracts'
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
      const refreshTokens = new RefreshTokens(scope.pg, config.refreshTokenTtl)
      const denylist = makeDenylist?.(scope)
      const refreshPath = `${scope.prefix}/refresh`

      const setRefreshCookie = (reply: FastifyReply, token: string) =>
        reply.setCookie(REFRESH_COOKIE, token, {
          path: refreshPath,
          httpOnly: true,
          sameSite: 'strict',
          secure: 'auto',
          maxAge: config.refreshTokenTtl,
        })
      const clearRefreshCookie = (reply: FastifyReply) =>
        reply.clearCookie(REFRESH_COOKIE, { path: refreshPath, httpOnly: true, sameSite: 'strict' })

      async function authenticate(claims: AccessClaims): Promise<User> {
        if (denylist && (await denylist.isRevoked(claims))) throw authRevoked('Access token revoked at logout')
        return { id: claims.sub, username: claims.username, role: claims.role }
      }

      return {
        async login(_request, reply, user) {
          const { token, familyId } = await refreshTokens.issue(user.id, name)
          setRefreshCookie(reply, token)
          return accessTokens.issue(user, familyId)
        },
        async authenticate(request) {
          return authenticate(accessTokens.verify(readBearer(request)))
        },
        async logout(request, reply) {
          clearRefreshCookie(reply)
          let claims: AccessClaims
          try {
            claims = accessTokens.verify(readBearer(request))
          } catch {
            return // nothing this request can prove it may revoke
          }
          await refreshTokens.revokeFamily(claims.sid)
          await denylist?.revoke(claims)
        },
        async revokeUser(userId) {
          const families = await refreshTokens.revokeUser(userId, name)
          for (const familyId of families) await denylist?.revokeFamily(familyId)
        },
        async refresh(request, reply) {
          const presented = request.cookies[REFRESH_COOKIE]
          if (!presented) throw authMissing()
          const rotation = await refreshTokens.rotate(presented, name)
          if (rotation.status !== 'rotated') {
            clearRefreshCookie(reply)
            if (rotation.status === 'invalid') throw authInvalid('Refresh token invalid, expired or revoked')
            await denylist?.revokeFamily(rotation.familyId)
            throw authRevoked('Refresh token reused: every token of this login is revoked')
          }
          setRefreshCookie(reply, rotation.token)
          return { ...accessTokens.issue(rotation.user, rotation.familyId), user: rotation.user }
        },
      }
    },
  }
}

export default tokenStrategy({ name: 'jwt' })
