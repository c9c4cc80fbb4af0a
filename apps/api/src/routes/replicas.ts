import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ErrorBodySchema, LoginBodySchema, MEMORY_SESSION, MemorySessionResponseSchema } from '@lab/contracts'
import { timeAuth } from '../plugins/app/round-trips.ts'
import memorySession from '../strategies/session-memory/index.ts'

const errors = { '4xx': ErrorBodySchema, '5xx': ErrorBodySchema }

/**
 * The replicas view's in-memory session, under /api/replicas/session-memory: login, me, logout.
 * Registered only in the demo profile with LAB_REPLICAS=true (config.ts refuses it in production),
 * so a production API never keeps a session that only one of its processes knows.
 */
export default async function replicasRoutes(fastify: FastifyInstance) {
  if (!fastify.config.replicasView) return

  await fastify.register(
    async (scope) => {
      const strategy = await memorySession.setup(scope)
      const routes = scope.withTypeProvider<TypeBoxTypeProvider>()

      routes.post(
        '/login',
        { schema: { body: LoginBodySchema, response: { 200: MemorySessionResponseSchema, ...errors } } },
        async (request, reply) => {
          const { username, password } = request.body
          const user = await timeAuth(request, () => scope.users.logIn(request, reply, username, password))
          await strategy.login(request, reply, user)
          return { user, strategy: MEMORY_SESSION }
        },
      )

      routes.get('/me', { schema: { response: { 200: MemorySessionResponseSchema, ...errors } } }, async (request, reply) => ({
        user: await timeAuth(request, () => strategy.authenticate(request, reply)),
        strategy: MEMORY_SESSION,
      }))

      routes.post('/logout', { schema: { response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
        await strategy.logout(request, reply)
        return reply.code(204).send(null)
      })
    },
    { prefix: `/replicas/${MEMORY_SESSION}` },
  )
}
