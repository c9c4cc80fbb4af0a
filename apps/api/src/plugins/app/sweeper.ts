import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

const SWEEP_EVERY_MS = 60_000

/** Deletes expired Postgres sessions and refresh tokens (Redis expires its keys by itself). */
async function sweeper(fastify: FastifyInstance) {
  const sweep = async () => {
    try {
      await fastify.pg.query('DELETE FROM sessions WHERE expires_at < now()')
      await fastify.pg.query('DELETE FROM refresh_tokens WHERE expires_at < now()')
    } catch (error) {
      fastify.log.warn({ err: error }, 'sweeping expired rows failed; will retry')
    }
  }
  const timer = setInterval(sweep, SWEEP_EVERY_MS).unref()
  fastify.addHook('onClose', async () => clearInterval(timer))
}

export default fp(sweeper, { name: 'sweeper', dependencies: ['postgres'] })
