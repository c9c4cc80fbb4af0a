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
  // Nothing an auth route answers (a user, a token) may be kept by a browser or proxy cache.
  scope.addHook('onRequest', (_request, reply, done) => {
    reply.header('cache-control', 'no-store')
    done()
  })
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, strategy: name }
  })
  const authenticate = (request: Parameters<Strategy['authenticate']>[0]) =>
    timeAuth(request, () => strategy.authenticate(request))

  scope.post(
    '/login',
    { schema: { body: LoginBodySchema, response: { 200: LoginResponseSchema, ...errors } } },
    async (request, reply) => {
      const { username, password } = request.body
      const user = await timeAuth(request, () => scope.users.logIn(request, username, password))
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
    // Cached authenticated pages go too; not "cookies" or "storage": the lab keeps the other strategies' logins side by side.
    reply.header('clear-site-data', '"cache"')
    request.log.info({ event: 'logout', strategy: name, ip: request.ip }, 'logged out')
    return reply.code(204).send(null)
  })

  scope.post(
    '/password',
    { schema: { body: ChangePasswordBodySchema, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      const user = await authenticate(request)
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
    scope.post('/refresh', { schema: { response: { 200: RefreshResponseSchema, ...errors } } }, async (request, reply) => {
      await scope.authThrottle.beforeAttempt(request, null)
      return { ...(await refresh(request, reply)), strategy: name }
    })
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
