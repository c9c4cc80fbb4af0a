import type { FastifyInstance } from 'fastify'
import { HealthSchema, type Health } from '@lab/contracts'

export default async function healthRoutes(fastify: FastifyInstance) {
  fastify.get('/health', { schema: { response: { 200: HealthSchema, 503: HealthSchema } } }, async (_request, reply) => {
    const [redis, postgres] = await Promise.all([
      fastify.redis.ping().then(() => 'up' as const, () => 'down' as const),
      fastify.pg.query('SELECT 1').then(() => 'up' as const, () => 'down' as const),
    ])
    const health: Health = { status: redis === 'up' && postgres === 'up' ? 'ok' : 'degraded', redis, postgres }
    return reply.code(health.status === 'ok' ? 200 : 503).send(health)
  })
}
