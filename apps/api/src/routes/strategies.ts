import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Value } from 'typebox/value'
import {
  ChangePasswordBodySchema,
  ErrorBodySchema,
  LoginBodySchema,
  LoginIdParamsSchema,
  LoginQuerySchema,
  ReauthenticationBodySchema,
  LoginResponseSchema,
  MeResponseSchema,
  RefreshQuerySchema,
  RefreshResponseSchema,
  SessionsResponseSchema,
  UsernameParamsSchema,
  type ReauthenticationBody,
  type StrategyName,
  type User,
} from '@lab/contracts'
import { AppError } from '../errors.ts'
import { timeAuth } from '../plugins/app/round-trips.ts'
import { strategies } from '../strategies/index.ts'
import type { Strategy } from '../strategies/types.ts'

const errors = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema }

/** A login this recent counts as having just authenticated (OWASP ASVS 7.5.2: ending other logins). */
const RECENT_AUTHENTICATION_MS = 5 * 60_000

/** The same routes for every strategy, under /api/:strategy; `all` are every strategy's, for a password change. */
function strategyRoutes(app: FastifyInstance, name: StrategyName, strategy: Strategy, all: readonly Strategy[]) {
  const scope = app.withTypeProvider<TypeBoxTypeProvider>()
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, strategy: name }
  })
  const authenticate = (request: FastifyRequest, reply: FastifyReply) => timeAuth(request, () => strategy.authenticate(request, reply))
  const noContent = { 204: Type.Null(), ...errors }

  scope.post(
    '/login',
    { schema: { body: LoginBodySchema, querystring: LoginQuerySchema, response: { 200: LoginResponseSchema, ...errors } } },
    async (request, reply) => {
      const { ttl } = request.query
      if (ttl !== undefined && scope.config.profile !== 'demo') throw new AppError(400, 'BAD_REQUEST', 'A login lifetime can be chosen in the demo profile only')
      const { username, password } = request.body
      const user = await timeAuth(request, () => scope.users.logIn(request, reply, username, password))
      const grant = await strategy.login(request, reply, user, { ttlSeconds: ttl === undefined ? undefined : Number(ttl) })
      return { user, strategy: name, ...grant }
    },
  )

  scope.get('/me', { schema: { response: { 200: MeResponseSchema, ...errors } } }, async (request, reply) => ({
    user: await authenticate(request, reply),
    strategy: name,
  }))

  const authenticateAdmin = async (request: FastifyRequest, reply: FastifyReply) => {
    const user = await authenticate(request, reply)
    if (user.role !== 'admin') throw new AppError(403, 'FORBIDDEN', 'Admin role required')
    return user
  }
  scope.get('/admin', { schema: { response: { 200: MeResponseSchema, ...errors } } }, async (request, reply) => ({
    user: await authenticateAdmin(request, reply),
    strategy: name,
  }))

  scope.post('/logout', { schema: { response: noContent } }, async (request, reply) => {
    await strategy.logout(request, reply)
    // Cached authenticated pages go too; not "cookies" or "storage": the lab keeps the other strategies' logins side by side.
    reply.header('clear-site-data', '"cache"')
    request.log.info({ event: 'logout', strategy: name, ip: request.ip }, 'logged out')
    return reply.code(204).send(null)
  })

  // The user's logins under this strategy (OWASP ASVS 7.5.2): list them, end one, end all.
  scope.get('/sessions', { schema: { response: { 200: SessionsResponseSchema, ...errors } } }, async (request, reply) => {
    const user = await authenticate(request, reply)
    return { strategy: name, sessions: await strategy.listLogins(request, user) }
  })

  /**
   * Ending other logins needs a fresh authentication: this login's, if recent, or the password again.
   * The body is optional, which a route's body schema cannot say (Fastify would check a missing body
   * against it), so it is checked here against the same contract schema.
   */
  const reauthenticate = async (request: FastifyRequest, user: User) => {
    const { body } = request
    if (body !== undefined && !Value.Check(ReauthenticationBodySchema, body)) throw new AppError(400, 'BAD_REQUEST', 'The body may only hold { password }')
    const password = (body as ReauthenticationBody | undefined)?.password
    const at = await strategy.authenticatedAt(request)
    if (at !== null && Date.now() - at <= RECENT_AUTHENTICATION_MS) return
    if (password === undefined) throw new AppError(401, 'REAUTHENTICATION_REQUIRED', 'Give your password again to end other logins')
    await scope.users.confirmPassword(request, user, password)
  }

  scope.delete(
    '/sessions/:id',
    { schema: { params: LoginIdParamsSchema, response: noContent } },
    async (request, reply) => {
      const user = await authenticate(request, reply)
      await reauthenticate(request, user)
      if (!(await strategy.endLogin(user, request.params.id))) throw new AppError(404, 'NOT_FOUND', 'No such login of yours')
      request.log.info({ event: 'session.end', userId: user.id, strategy: name, ip: request.ip }, 'a login ended by its user')
      return reply.code(204).send(null)
    },
  )

  scope.post('/logout-all', { schema: { response: noContent } }, async (request, reply) => {
    const user = await authenticate(request, reply)
    await reauthenticate(request, user)
    await strategy.revokeUser(user.id)
    await strategy.logout(request, reply)
    request.log.info({ event: 'logout.all', userId: user.id, strategy: name, ip: request.ip }, 'every login of the user ended')
    return reply.code(204).send(null)
  })

  // An admin ends every login of a user, under every strategy (ASVS 7.4.5).
  scope.delete('/users/:username/sessions', { schema: { params: UsernameParamsSchema, response: noContent } }, async (request, reply) => {
    const admin = await authenticateAdmin(request, reply)
    const target = await scope.users.findByUsername(request.params.username)
    if (!target) throw new AppError(404, 'NOT_FOUND', 'No such user')
    for (const each of all) await each.revokeUser(target.id)
    request.log.warn({ event: 'admin.logout_user', userId: target.id, adminId: admin.id, strategy: name, ip: request.ip }, 'an admin ended every login of a user')
    return reply.code(204).send(null)
  })

  // An admin ends every login of every user, under every strategy (ASVS 7.4.5), after authenticating again.
  scope.post('/users/logout-everyone', { schema: { response: noContent } }, async (request, reply) => {
    const admin = await authenticateAdmin(request, reply)
    await reauthenticate(request, admin)
    for (const each of all) await each.revokeEveryone()
    request.log.warn({ event: 'admin.logout_everyone', adminId: admin.id, strategy: name, ip: request.ip }, 'an admin ended every login of every user')
    return reply.code(204).send(null)
  })

  scope.post(
    '/password',
    { schema: { body: ChangePasswordBodySchema, response: noContent } },
    async (request, reply) => {
      const user = await authenticate(request, reply)
      const { currentPassword, newPassword } = request.body
      await timeAuth(request, () => scope.users.changePassword(request, user, currentPassword, newPassword))
      // A new password ends every login of the user, under every strategy, as far as each can.
      for (const each of all) await each.revokeUser(user.id)
      await strategy.logout(request, reply)
      return reply.code(204).send(null)
    },
  )

  const { refresh } = strategy
  if (refresh) {
    scope.post(
      '/refresh',
      { schema: { querystring: RefreshQuerySchema, response: { 200: RefreshResponseSchema, ...errors } } },
      async (request, reply) => {
        const strict = request.query.grace === '0'
        if (strict && scope.config.profile !== 'demo') throw new AppError(400, 'BAD_REQUEST', 'Strict reuse detection on request is a demo-only option')
        await scope.authThrottle.beforeAttempt(request, null)
        return { ...(await refresh(request, reply, { strict })), strategy: name }
      },
    )
  }
}

export default async function strategiesRoutes(fastify: FastifyInstance) {
  const all: Strategy[] = []
  for (const module of strategies) {
    await fastify.register(
      async (scope) => {
        const strategy = await module.setup(scope)
        all.push(strategy)
        strategyRoutes(scope, module.name, strategy, all)
      },
      { prefix: `/${module.name}` },
    )
  }
}
