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
 * The last records are kept this long for a subscriber that connects: a page's first requests go out
 * while its stream is still opening, and on a busy machine they are answered first (a CI run saw a
 * pane's first `/me` without its record for good).
 */
export const REPLAY_MS = 10_000
/** …and at most this much of them, the newest: half of what may sit unread, so a replay never gets its subscriber dropped. */
export const REPLAY_MAX_BYTES = MAX_UNREAD_BYTES / 2

/**
 * The live stream of request records (Server-Sent Events, event `record`) the web lab draws from.
 * Demo profile only: it shows every request of everyone (logins, failures, paths) to anyone listening.
 * A subscriber gets the last seconds' records first, or what it missed since its Last-Event-ID.
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
  // Each event's id names this process and its place in the stream: a browser that reconnects sends
  // the last one it saw (Last-Event-ID) and gets what it missed, if it was this process and still kept.
  const incarnation = `${fastify.config.replicaName}.${Date.now().toString(36)}`
  let lastSeq = 0
  const kept: Array<{ seq: number; at: number; frame: string }> = []
  let keptBytes = 0
  // One serialisation per record, whatever the number of subscribers.
  fastify.records.subscribe((record: RequestRecord) => {
    const seq = ++lastSeq
    const frame = `id: ${incarnation}:${seq}\nevent: record\ndata: ${JSON.stringify(record)}\n\n`
    const now = Date.now()
    kept.push({ seq, at: now, frame })
    keptBytes += frame.length
    for (let first = kept[0]; first && (keptBytes > REPLAY_MAX_BYTES || first.at < now - REPLAY_MS); first = kept[0]) {
      keptBytes -= first.frame.length
      kept.shift()
    }
    for (const stream of open) send(stream, frame)
  })
  /** What a new subscriber is sent first: the records after its Last-Event-ID, or else the last REPLAY_MS. */
  const replay = (lastEventId: string | undefined) => {
    const colon = lastEventId?.lastIndexOf(':') ?? -1
    const since = lastEventId?.slice(0, colon) === incarnation ? Number(lastEventId.slice(colon + 1)) : NaN
    const resumes = Number.isInteger(since) && since <= lastSeq && since >= (kept[0]?.seq ?? lastSeq + 1) - 1
    const after = Date.now() - REPLAY_MS
    return kept.filter((entry) => (resumes ? entry.seq > since : entry.at >= after)).map((entry) => entry.frame)
  }
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
    const lastEventId = request.headers['last-event-id']
    stream.write(': connected\n\n' + replay(typeof lastEventId === 'string' ? lastEventId : undefined).join(''))
    open.add(stream)
    // The response closes when its connection does: the client went away, through whatever proxy.
    stream.on('close', () => open.delete(stream))
  })
}
