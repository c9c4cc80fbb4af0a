import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { LoginInfo, StrategyName, User } from '@lab/contracts'

/** What login or refresh hands back beyond the user: only the token strategies have one. */
export interface AccessGrant {
  /** absent for `jwt-cookie`, whose token travels in an HttpOnly cookie */
  accessToken?: string
  accessTokenExpiresAt: string
}

/** What a login may ask for beyond the defaults. */
export interface LoginOptions {
  /** demo profile only: seconds its short-lived credential (access token, cached copy) lives, so a revocation story fits a talk */
  ttlSeconds?: number
}

/** One way of authenticating; the routes in routes/strategies.ts are the same for all. */
export interface Strategy {
  login(request: FastifyRequest, reply: FastifyReply, user: User, options?: LoginOptions): Promise<AccessGrant | undefined>
  /** The request's user, or an AppError 401 saying why not. The reply is there to renew what the strategy keeps in cookies. */
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<User>
  /** Revokes what this strategy can revoke; harmless when there is nothing to revoke. */
  logout(request: FastifyRequest, reply: FastifyReply): Promise<void>
  /** `strict`: no reuse grace for this refresh (the demo's two-tabs view shows both behaviours). */
  refresh?(request: FastifyRequest, reply: FastifyReply, options?: { strict?: boolean }): Promise<AccessGrant & { user: User }>
  /** The user's live logins under this strategy, the request's own marked `current`. */
  listLogins(request: FastifyRequest, user: User): Promise<LoginInfo[]>
  /** When the request's own login authenticated (ms since the epoch), for re-authentication; null when unknown. */
  authenticatedAt(request: FastifyRequest): Promise<number | null>
  /** Ends one of the user's logins by its listed id; false when the user has no such login. */
  endLogin(user: User, id: string): Promise<boolean>
  /** Ends what this strategy can end of every login of a user (a password change, "log out everywhere", an admin). */
  revokeUser(userId: string): Promise<void>
  /** Ends what this strategy can end of every login of every user (an admin, after a breach). */
  revokeEveryone(): Promise<void>
}

export interface StrategyModule<Name extends string = StrategyName> {
  name: Name
  /** Registers what the strategy needs (session plugin, JWT signer) in its own encapsulated scope. */
  setup(scope: FastifyInstance): Promise<Strategy>
}
