import type { FastifyInstance } from 'fastify'
import attackRange from '../attack-range/index.ts'

/** The deliberately vulnerable attack range, under /api/range: demo profile only, absent (404) otherwise. */
export default async function rangeRoutes(fastify: FastifyInstance) {
  if (fastify.config.profile !== 'demo') return
  await fastify.register(attackRange, { prefix: '/range' })
}
