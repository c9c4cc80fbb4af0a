import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

/** Served at the root, where RFC 8615 puts well-known URIs, not under /api. */
export const prefixOverride = ''

const JwksSchema = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      crv: Type.Optional(Type.String()),
      x: Type.Optional(Type.String()),
      kid: Type.String(),
      alg: Type.String(),
      use: Type.String(),
    }),
  ),
})

export default async function wellKnownRoutes(fastify: FastifyInstance) {
  // The public keys that verify access tokens today: the current one and any still in its grace period.
  fastify.get('/.well-known/jwks.json', { schema: { response: { 200: JwksSchema } } }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60')
    return fastify.signingKeys.jwks()
  })
}
