import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { RequestRecord } from '@lab/contracts'

type Listener = (record: RequestRecord) => void

/** The live feed of request records the web lab draws its timelines from. */
export interface RecordFeed {
  subscribe(listener: Listener): () => void
}

declare module 'fastify' {
  interface FastifyInstance {
    records: RecordFeed
  }
}

async function requestRecords(fastify: FastifyInstance) {
  const listeners = new Set<Listener>()

  fastify.decorate('records', {
    subscribe(listener: Listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  } satisfies RecordFeed)

  // Only the demo profile serves the feed (routes/records.ts): elsewhere no request pays for a hook.
  if (fastify.config.profile !== 'demo') return
  fastify.addHook('onResponse', (request, reply, done) => {
    if (listeners.size === 0 || !request.trace || request.routeOptions.config.untraced) return done()
    const record: RequestRecord = {
      requestId: request.id,
      at: new Date(Date.now() - reply.elapsedTime).toISOString(),
      strategy: request.routeOptions.config.strategy ?? null,
      method: request.method,
      route: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
      statusCode: reply.statusCode,
      errorCode: request.trace.errorCode,
      // The same figure as the response's Server-Timing: by this hook (after the answer was written), a
      // busy event loop may have added time the client never waited for.
      durationMs: request.trace.totalMs ?? reply.elapsedTime,
      authMs: request.trace.authMs,
      roundTrips: request.trace.roundTrips,
      replica: fastify.config.replicaName,
    }
    for (const listener of listeners) listener(record)
    done()
  })
}

export default fp(requestRecords, { name: 'request-records', dependencies: ['round-trips'] })
