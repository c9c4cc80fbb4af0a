import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ACCESS_TOKEN_COOKIE, DPOP_ALGORITHMS, REFRESH_COOKIE, type User } from '@lab/contracts'
import { cookieNameFor } from '../../cookies.ts'
import { AppError, authInvalid, authMissing, authRevoked } from '../../errors.ts'
import type { Denylist } from '../jwt-denylist/denylist.ts'
import type { DpopProofs } from '../jwt-dpop/proofs.ts'
import type { AccessGrant, Strategy, StrategyModule } from '../types.ts'
import { AccessTokens, cookieCarrier, readBearer, readDpop, type AccessClaims, type TokenCarrier } from './access-token.ts'
import { RefreshTokens } from './refresh-tokens.ts'

interface TokenStrategyOptions {
  name: 'jwt' | 'jwt-denylist' | 'jwt-cookie' | 'jwt-dpop'
  /** checked on every request and written at logout; without one, logout cannot revoke an access token */
  denylist?: (scope: FastifyInstance) => Denylist
  /** `cookie`: the access token travels in an HttpOnly, SameSite=Strict cookie instead of the response body and a Bearer header */
  carrier?: 'bearer' | 'cookie'
  /**
   * DPoP (RFC 9449): login, every request, refresh and logout carry a proof signed by the client's key;
   * tokens and refresh families are bound to that key, and the token travels as `Authorization: DPoP`
   */
  proofs?: (scope: FastifyInstance) => DpopProofs
}

/** The WWW-Authenticate challenge of a refused DPoP request (RFC 9449 §7.1): what was wrong, and which algorithms a proof may use. */
function dpopChallenge(code: string): string {
  const algs = `algs="${DPOP_ALGORITHMS.join(' ')}"`
  if (code === 'AUTH_MISSING') return `DPoP ${algs}`
  const error = code.startsWith('DPOP_PROOF_') || code === 'DPOP_ATH_MISMATCH' ? 'invalid_dpop_proof' : 'invalid_token'
  return `DPoP error="${error}", ${algs}`
}

/**
 * Stateless access tokens (HS256 or EdDSA, short TTL) with opaque rotating refresh tokens in an HttpOnly
 * cookie scoped to the routes that need it. Shared by `jwt`, `jwt-denylist` and `jwt-cookie`.
 */
export function tokenStrategy({ name, denylist: makeDenylist, carrier = 'bearer', proofs: makeProofs }: TokenStrategyOptions): StrategyModule {
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
      const proofs = makeProofs?.(scope)
      if (proofs) {
        scope.addHook('onError', (_request, reply, error, done) => {
          if (error instanceof AppError && error.statusCode === 401) reply.header('www-authenticate', dpopChallenge(error.code))
          done()
        })
      }
      // The refresh token goes only where it is needed: to refresh, to end its login at logout, and to
      // a new login that replaces it. Never to /me or /admin.
      const refreshPaths = ['refresh', 'logout', 'login'].map((route) => `${scope.prefix}/${route}`)
      const refreshCookie = (request: FastifyRequest) => cookieNameFor(request, REFRESH_COOKIE, refreshPaths[0] as string)
      const accessCookie = (request: FastifyRequest) => cookieNameFor(request, ACCESS_TOKEN_COOKIE, scope.prefix)
      const readToken: TokenCarrier = proofs ? readDpop : carrier === 'cookie' ? cookieCarrier(accessCookie) : readBearer

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
      const grant = (request: FastifyRequest, reply: FastifyReply, user: User, familyId: string, ttlSeconds = config.accessTokenTtl, jkt?: string): AccessGrant => {
        const issued = accessTokens.issue(user, familyId, ttlSeconds, jkt)
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
      /**
       * Ends the logins a request holds: the family its access token names (even expired) and its refresh
       * token's; with DPoP, only those bound to the key the request proved it holds (`jkt`).
       */
      const endPresentedLogins = async (request: FastifyRequest, claims: AccessClaims | null, jkt: string | null = null) => {
        const families = await refreshTokens.revokeFamilies(name, claims?.sid ?? null, request.cookies[refreshCookie(request)] ?? null, jkt)
        if (claims) await denylist?.revoke(claims)
        for (const familyId of families) if (familyId !== claims?.sid) await denylist?.revokeFamily(familyId)
      }

      return {
        async login(request, reply, user, options) {
          // DPoP: the key that signed the login's proof is the one the new tokens are bound to.
          const jkt = await proofs?.verify(request)
          // A new login replaces the one this browser still holds: its refresh family ends here.
          await endPresentedLogins(request, null, jkt)
          const { token, familyId } = await refreshTokens.issue(user.id, name, request.headers['user-agent']?.slice(0, 256) ?? null, jkt)
          setRefreshCookie(request, reply, token)
          return grant(request, reply, user, familyId, options?.ttlSeconds, jkt)
        },
        async authenticate(request) {
          const token = readToken(request)
          const claims = accessTokens.verify(token)
          if (proofs) {
            if (claims.jkt === undefined) throw authInvalid('Access token bound to no key')
            await proofs.verify(request, { accessToken: token, jkt: claims.jkt })
          }
          if (denylist && (await denylist.isRevoked(claims))) throw authRevoked('Access token revoked at logout')
          return { id: claims.sub, username: claims.username, role: claims.role }
        },
        async logout(request, reply) {
          clearCookies(request, reply)
          if (!proofs) {
            // An expired access token still proves which login it belonged to; without one, the refresh cookie says.
            await endPresentedLogins(request, presentedClaims(request))
            return
          }
          // DPoP: only the holder of the key ends a login bound to it (a thief with the token and cookie cannot).
          const claims = presentedClaims(request)
          const jkt = await proofs.verify(request, claims ? { accessToken: readToken(request) } : {})
          await endPresentedLogins(request, claims?.jkt === jkt ? claims : null, jkt)
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
          // DPoP: the refresh token is bound to the login's key too (RFC 9449 §5); another key's proof finds nothing.
          const jkt = await proofs?.verify(request)
          const rotation = await refreshTokens.rotate(presented, name, options?.strict ? 0 : undefined, jkt ?? null)
          if (rotation.status !== 'rotated') {
            clearCookies(request, reply)
            if (rotation.status === 'invalid') throw authInvalid('Refresh token invalid, expired or revoked')
            await denylist?.revokeFamily(rotation.familyId)
            request.log.warn({ event: 'refresh.reuse', familyId: rotation.familyId, strategy: name, ip: request.ip }, 'refresh token reused: login revoked')
            throw authRevoked('Refresh token reused: every token of this login is revoked')
          }
          setRefreshCookie(request, reply, rotation.token)
          return { ...grant(request, reply, rotation.user, rotation.familyId, undefined, jkt), user: rotation.user }
        },
      }
    },
  }
}

export default tokenStrategy({ name: 'jwt' })
