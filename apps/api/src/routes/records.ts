import type { ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import type { RequestRecord } from '@lab/contracts'
import { RateLimitedError } from '../errors.ts'

const HEARTBEAT_MS = 15_000
/** A room of people with a tab or two each; more would make every request pay for the fan-out. */
export const MAX_SUBSCRIBERS = 200
/** A subscriber that has this much unread is not keeping up: it is dropped, never buffered without bound. */
export const MAX_UNREAD_BYTES = 256 * 1024

/**
 * The live stream of request records (Server-Sent Events, event `record`) the web lab draws from.
 * Demo profile only: it shows every request of everyone (logins, failures, paths) to anyone listening.
 */
export default async function recordsRoutes(fastify: FastifyInstance) {
  if (fastify.config.profile !== 'demo') return
  const open = new Set<ServerResponse>()
  const send = (stream: ServerResponse, frame: string) => {
    if (stream.writableLength > MAX_UNREAD_BYTES) {
      fastify.log.warn('records: a subscriber is not keeping up; dropping it')
      open.delete(stream)
      stream.destroy()
      return
    }
    stream.write(frame)
  }
  // One serialisation per record, whatever the number of subscribers.
  fastify.records.subscribe((record: RequestRecord) => {
    if (open.size === 0) return
    const frame = `event: record\ndata: ${JSON.stringify(record)}\n\n`
    for (const stream of open) send(stream, frame)
  })
  const heartbeat = setInterval(() => {
    for (const stream of open) send(stream, ': heartbeat\n\n')
  }, HEARTBEAT_MS).unref()
  fastify.addHook('preClose', async () => {
    clearInterval(heartbeat)
    for (const stream of open) stream.end()
  })

  fastify.get('/records', { config: { untraced: true } }, (request, reply) => {
    if (open.size >= MAX_SUBSCRIBERS) throw new RateLimitedError(5000)
    reply.hijack()
    const stream = reply.raw
    stream.writeHead(200, {
      ...fastify.responseHeaders,
      'x-request-id': request.id,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    stream.write(': connected\n\n')
    open.add(stream)
    // The response closes when its connection does: the client went away, through whatever proxy.
    stream.on('close', () => open.delete(stream))
  })
}
