import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import {
  ChangePasswordBodySchema,
  ErrorBodySchema,
  LoginBodySchema,
  LoginResponseSchema,
  MeResponseSchema,
  RefreshResponseSchema,
  type StrategyName,
} from '@lab/contracts'
import { AppError } from '../errors.ts'
import { serverTimingHook, timeAuth } from '../plugins/app/round-trips.ts'
import { strategies } from '../strategies/index.ts'
import type { Strategy } from '../strategies/types.ts'

const errors = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema }

/** The same routes for every strategy, under /api/:strategy; `all` are every strategy's, for a password change. */
function strategyRoutes(app: FastifyInstance, name: StrategyName, strategy: Strategy, all: readonly Strategy[]) {
  const scope = app.withTypeProvider<TypeBoxTypeProvider>()
  scope.addHook('onSend', serverTimingHook)
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, strategy: name }
  })
  const authenticate = (request: Parameters<Strategy['authenticate']>[0]) =>
    timeAuth(request, () => strategy.authenticate(request))

  scope.post(
    '/login',
    {
      schema: { body: LoginBodySchema, response: { 200: LoginResponseSchema, ...errors } },
      config: { rateLimit: { max: scope.config.loginRateLimit, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const { username, password } = request.body
      const user = await timeAuth(request, () => scope.users.verifyCredentials(username, password))
      if (!user) throw new AppError(401, 'INVALID_CREDENTIALS', 'Invalid username or password')
      const grant = await strategy.login(request, reply, user)
      return { user, strategy: name, ...grant }
    },
  )

  scope.get('/me', { schema: { response: { 200: MeResponseSchema, ...errors } } }, async (request) => ({
    user: await authenticate(request),
    strategy: name,
  }))

  scope.get('/admin', { schema: { response: { 200: MeResponseSchema, ...errors } } }, async (request) => {
    const user = await authenticate(request)
    if (user.role !== 'admin') throw new AppError(403, 'FORBIDDEN', 'Admin role required')
    return { user, strategy: name }
  })

  scope.post('/logout', { schema: { response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    await strategy.logout(request, reply)
    return reply.code(204).send(null)
  })

  scope.post(
    '/password',
    {
      schema: { body: ChangePasswordBodySchema, response: { 204: Type.Null(), ...errors } },
      config: { rateLimit: { max: scope.config.loginRateLimit, timeWindow: '1 minute' } },
    },
    async (request, reply) => {
      const user = await authenticate(request)
      const { currentPassword, newPassword } = request.body
      const changed = await timeAuth(request, () => scope.users.changePassword(user.id, currentPassword, newPassword))
      if (!changed) throw new AppError(401, 'INVALID_CREDENTIALS', 'Current password is wrong')
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
      {
        schema: { response: { 200: RefreshResponseSchema, ...errors } },
        config: { rateLimit: { max: scope.config.loginRateLimit * 3, timeWindow: '1 minute' } },
      },
      async (request, reply) => ({ ...(await refresh(request, reply)), strategy: name }),
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
