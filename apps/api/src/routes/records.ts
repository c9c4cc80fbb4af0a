import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { RequestRecord } from '@lab/contracts'

const HEARTBEAT_MS = 15_000

/** The live stream of request records (Server-Sent Events, event `record`) the web lab draws from. */
export default async function recordsRoutes(fastify: FastifyInstance) {
  const open = new Set<ServerResponse>()
  fastify.addHook('preClose', async () => {
    for (const stream of open) stream.end()
  })

  fastify.get('/records', { config: { untraced: true } }, (request, reply) => {
    reply.hijack()
    const stream = reply.raw
    stream.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    stream.write(': connected\n\n')
    const send = (record: RequestRecord) => stream.write(`event: record\ndata: ${JSON.stringify(record)}\n\n`)
    const unsubscribe = fastify.records.subscribe(send)
    const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), HEARTBEAT_MS)
    open.add(stream)
    request.raw.on('close', () => {
      clearInterval(heartbeat)
      unsubscribe()
      open.delete(stream)
    })
  })
}
