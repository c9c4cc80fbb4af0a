import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { REPLICA_HEADER } from '@lab/contracts'

/**
 * Names the replica that served every response (`x-replica: <REPLICA_NAME>`), errors and 404s
 * included, so a client behind the load balancer can see where each request landed.
 */
async function replica(fastify: FastifyInstance) {
  const name = fastify.config.replicaName
  fastify.addHook('onRequest', (_request, reply, done) => {
    reply.header(REPLICA_HEADER, name)
    done()
  })
}

export default fp(replica, { name: 'replica' })
