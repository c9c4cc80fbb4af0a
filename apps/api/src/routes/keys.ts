import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'

/** Demo profile with EdDSA keys only: rotates the signing key now, so the lab can show the grace period at work. */
export default async function keysRoutes(fastify: FastifyInstance) {
  if (fastify.config.profile !== 'demo' || fastify.signingKeys.algorithm !== 'EdDSA') return
  fastify.post('/keys/rotate', { schema: { response: { 200: Type.Object({ kid: Type.String() }) } } }, async () => ({
    kid: fastify.signingKeys.rotate(),
  }))
}
