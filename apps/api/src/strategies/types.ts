import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { StrategyName, User } from '@lab/contracts'

/** What login or refresh hands back beyond the user: only the token strategies have one. */
export interface AccessGrant {
  accessToken: string
  accessTokenExpiresAt: string
}

/** One way of authenticating; the routes in routes/strategies.ts are the same for all four. */
export interface Strategy {
  login(request: FastifyRequest, reply: FastifyReply, user: User): Promise<AccessGrant | undefined>
  /** The request's user, or an AppError 401 saying why not. */
  authenticate(request: FastifyRequest): Promise<User>
  /** Revokes what this strategy can revoke; harmless when there is nothing to revoke. */
  logout(request: FastifyRequest, reply: FastifyReply): Promise<void>
  refresh?(request: FastifyRequest, reply: FastifyReply): Promise<AccessGrant & { user: User }>
  /** Ends what this strategy can end of every login of a user (after a password change). */
  revokeUser(userId: string): Promise<void>
}

export interface StrategyModule<Name extends string = StrategyName> {
  name: Name
  /** Registers what the strategy needs (session plugin, JWT signer) in its own encapsulated scope. */
  setup(scope: FastifyInstance): Promise<Strategy>
}
