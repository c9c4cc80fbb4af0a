import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ErrorBodySchema, TokenSignatureBodySchema, TokenSignatureCheckSchema } from '@lab/contracts'
import { RateLimitedError, StoreUnavailableError } from '../errors.ts'
import { COMMAND_TIMEOUT_MS } from '../plugins/app/redis.ts'
import { checkSignature } from '../strategies/jwt/access-token.ts'

const PauseBodySchema = Type.Object(
  { ms: Type.Integer({ minimum: 1000, maximum: 10_000, description: 'how long Redis stays paused' }) },
  { additionalProperties: false },
)

/**
 * Lab-only controls, registered in the demo profile only: the web lab's outage view pauses Redis
 * with Redis's own `CLIENT PAUSE <ms> ALL`, so every client (the API's included) waits for it; the
 * token inspector asks whether a token's signature verifies with the server's key.
 */
export default async function labRoutes(fastify: FastifyInstance) {
  if (fastify.config.profile !== 'demo') return
  let pausedUntil = 0

  fastify.withTypeProvider<TypeBoxTypeProvider>().post(
    '/lab/redis/pause',
    { schema: { body: PauseBodySchema, response: { 204: Type.Null(), '4xx': ErrorBodySchema, '5xx': ErrorBodySchema } } },
    async (request, reply) => {
      const left = pausedUntil - Date.now()
      // A second CLIENT PAUSE would itself wait for the first to end, then pause Redis again.
      if (left > 0) throw new RateLimitedError(left)
      // Its own short-lived connection: the API's client is about to be paused, and CLIENT PAUSE answers its caller at once.
      // A Redis already hung times it out (ioredis' own timer: the API's watchdog watches the API's client only).
      const client = fastify.redis.duplicate({ lazyConnect: true, retryStrategy: () => null, commandTimeout: COMMAND_TIMEOUT_MS })
      client.on('error', () => {})
      try {
        await client.connect()
        await client.call('CLIENT', 'PAUSE', String(request.body.ms), 'ALL')
      } catch (error) {
        throw new StoreUnavailableError('redis', { cause: error })
      } finally {
        client.disconnect()
      }
      pausedUntil = Date.now() + request.body.ms
      request.log.warn(`lab: Redis paused for ${request.body.ms} ms`)
      return reply.code(204).send(null)
    },
  )

  // Claims unread: the inspector shows them itself, and a real call to a strategy says what it makes of them.
  fastify.withTypeProvider<TypeBoxTypeProvider>().post(
    '/lab/token-signature',
    { schema: { body: TokenSignatureBodySchema, response: { 200: TokenSignatureCheckSchema, '4xx': ErrorBodySchema } } },
    async (request) => ({ algorithm: fastify.signingKeys.algorithm, ...checkSignature(fastify.signingKeys, request.body.token) }),
  )
}
