import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ACCESS_TOKEN_COOKIE, REFRESH_COOKIE, type User } from '@lab/contracts'
import { cookieNameFor } from '../../cookies.ts'
import { authInvalid, authMissing, authRevoked } from '../../errors.ts'
import type { Denylist } from '../jwt-denylist/denylist.ts'
import type { AccessGrant, Strategy, StrategyModule } from '../types.ts'
import { AccessTokens, cookieCarrier, readBearer, type AccessClaims, type TokenCarrier } from './access-token.ts'
import { RefreshTokens } from './refresh-tokens.ts'

interface TokenStrategyOptions {
  name: 'jwt' | 'jwt-denylist' | 'jwt-cookie'
  /** checked on every request and written at logout; without one, logout cannot revoke an access token */
  denylist?: (scope: FastifyInstance) => Denylist
  /** `cookie`: the access token travels in an HttpOnly, SameSite=Strict cookie instead of the response body and a Bearer header */
  carrier?: 'bearer' | 'cookie'
}

/**
 * Stateless access tokens (HS256 or EdDSA, short TTL) with opaque rotating refresh tokens in an HttpOnly
 * cookie scoped to the routes that need it. Shared by `jwt`, `jwt-denylist` and `jwt-cookie`.
 */
export function tokenStrategy({ name, denylist: makeDenylist, carrier = 'bearer' }: TokenStrategyOptions): StrategyModule {
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
      const accessCookie = (request: FastifyRequest) => cookieNameFor(request, ACCESS_TOKEN_COOKIE, scope.prefix)
      const readToken: TokenCarrier = carrier === 'cookie' ? cookieCarrier(accessCookie) : readBearer

      const setRefreshCookie = (request: FastifyRequest, reply: FastifyReply, token: string) => {
        for (const path of refreshPaths) {
          reply.setCookie(refreshCookie(request), token, { path, httpOnly: true, sameSite: 'strict', secure: 'auto', maxAge: config.refreshTokenTtl })
        }
      }
      const clearCookies = (request: FastifyRequest, reply: FastifyReply) => {
        for (const path of refreshPaths) reply.clearCookie(refreshCookie(request), { path, httpOnly: true, sameSite: 'strict', secure: 'auto' })
        if (carrier === 'cookie') reply.clearCookie(accessCookie(request), { path: scope.prefix, httpOnly: true, sameSite: 'strict', secure: 'auto' })
      }
      /** What login and refresh hand over: the token in the body, or in a cookie no script can read. */
      const grant = (request: FastifyRequest, reply: FastifyReply, user: User, familyId: string, ttlSeconds = config.accessTokenTtl): AccessGrant => {
        const issued = accessTokens.issue(user, familyId, ttlSeconds)
        if (carrier === 'bearer') return issued
        reply.setCookie(accessCookie(request), issued.accessToken as string, {
          path: scope.prefix,
          httpOnly: true,
          sameSite: 'strict',
          secure: 'auto',
          maxAge: ttlSeconds,
        })
        return { accessTokenExpiresAt: issued.accessTokenExpiresAt }
      }
      /** The claims of the request's access token, expired or not; null when it has none that verifies. */
      const presentedClaims = (request: FastifyRequest): AccessClaims | null => {
        try {
          return accessTokens.verify(readToken(request), { allowExpired: true })
        } catch {
          return null
        }
      }
      /** Ends the logins a request holds: the family its access token names (even expired) and its refresh token's. */
      const endPresentedLogins = async (request: FastifyRequest, claims: AccessClaims | null) => {
        const families = await refreshTokens.revokeFamilies(name, claims?.sid ?? null, request.cookies[refreshCookie(request)] ?? null)
        if (claims) await denylist?.revoke(claims)
        for (const familyId of families) if (familyId !== claims?.sid) await denylist?.revokeFamily(familyId)
      }

      return {
        async login(request, reply, user, options) {
          // A new login replaces the one this browser still holds: its refresh family ends here.
          await endPresentedLogins(request, null)
          const { token, familyId } = await refreshTokens.issue(user.id, name, request.headers['user-agent']?.slice(0, 256) ?? null)
          setRefreshCookie(request, reply, token)
          return grant(request, reply, user, familyId, options?.ttlSeconds)
        },
        async authenticate(request) {
          const claims = accessTokens.verify(readToken(request))
          if (denylist && (await denylist.isRevoked(claims))) throw authRevoked('Access token revoked at logout')
          return { id: claims.sub, username: claims.username, role: claims.role }
        },
        async logout(request, reply) {
          clearCookies(request, reply)
          // An expired access token still proves which login it belonged to; without one, the refresh cookie says.
          await endPresentedLogins(request, presentedClaims(request))
        },
        async listLogins(request, user) {
          const current = presentedClaims(request)?.sid
          const families = await refreshTokens.listOf(user.id, name)
          return families.map((family) => ({ ...family, current: family.id === current }))
        },
        async authenticatedAt(request) {
          const familyId = presentedClaims(request)?.sid
          return familyId === undefined ? null : refreshTokens.authenticatedAt(familyId)
        },
        async endLogin(user, id) {
          const ended = await refreshTokens.revokeFamilyOf(user.id, name, id)
          if (ended) await denylist?.revokeFamily(id)
          return ended
        },
        async revokeUser(userId) {
          const families = await refreshTokens.revokeUser(userId, name)
          for (const familyId of families) await denylist?.revokeFamily(familyId)
        },
        async revokeEveryone() {
          await refreshTokens.revokeEveryone(name)
          await denylist?.revokeEveryone()
        },
        async refresh(request, reply, options) {
          const presented = request.cookies[refreshCookie(request)]
          if (!presented) throw authMissing()
          const rotation = await refreshTokens.rotate(presented, name, options?.strict ? 0 : undefined)
          if (rotation.status !== 'rotated') {
            clearCookies(request, reply)
            if (rotation.status === 'invalid') throw authInvalid('Refresh token invalid, expired or revoked')
            await denylist?.revokeFamily(rotation.familyId)
            request.log.warn({ event: 'refresh.reuse', familyId: rotation.familyId, strategy: name, ip: request.ip }, 'refresh token reused: login revoked')
            throw authRevoked('Refresh token reused: every token of this login is revoked')
          }
          setRefreshCookie(request, reply, rotation.token)
          return { ...grant(request, reply, rotation.user, rotation.familyId), user: rotation.user }
        },
      }
    },
  }
}

export default tokenStrategy({ name: 'jwt' })
