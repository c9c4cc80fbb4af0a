import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { AppError } from '../../errors.ts'

/**
 * Counters live in Redis so every API replica shares them. Off by default: routes opt in
 * (login) with `config.rateLimit`. When Redis is down the limit is skipped rather than
 * failing logins of strategies that do not need Redis.
 */
async function rateLimitPlugin(fastify: FastifyInstance) {
  await fastify.register(rateLimit, {
    global: false,
    redis: fastify.redis,
    nameSpace: 'lab:rate-limit:',
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new AppError(429, 'RATE_LIMITED', `Too many attempts; retry in ${Math.ceil(context.ttl / 1000)} s`),
  })
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['redis'] })
