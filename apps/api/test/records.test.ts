import assert from 'node:assert/strict'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { test, type TestContext } from 'node:test'
import { countRoundTrips, parseServerTiming, type RequestRecord } from '@lab/contracts'
import { MAX_SUBSCRIBERS, REPLAY_MAX_BYTES } from '../src/routes/records.ts'
import { buildApp } from './helpers.ts'

interface RecordEvent {
  /** the event's id, which a reconnecting EventSource sends back as Last-Event-ID */
  id: string
  record: RequestRecord
  bytes: number
}

/** Reads `record` events from a Server-Sent Events body until `done` says enough. */
async function collectEvents(body: ReadableStream<Uint8Array>, done: (events: RecordEvent[]) => boolean): Promise<RecordEvent[]> {
  const events: RecordEvent[] = []
  let buffer = ''
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk
    let end: number
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const event = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const data = /^data: (.*)$/m.exec(event)?.[1]
      const id = /^id: (.*)$/m.exec(event)?.[1] ?? ''
      if (/^event: record$/m.test(event) && data) events.push({ id, record: JSON.parse(data) as RequestRecord, bytes: event.length + 2 })
    }
    if (done(events)) break
  }
  return events
}

async function collect(body: ReadableStream<Uint8Array>, done: (records: RequestRecord[]) => boolean): Promise<RequestRecord[]> {
  const events = await collectEvents(body, (seen) => done(seen.map((event) => event.record)))
  return events.map((event) => event.record)
}

test('every request is published on the live stream with the round trips its Server-Timing reports', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  const base = await fastify.listen({ host: '127.0.0.1', port: 0 })
  const stream = new AbortController()
  t.after(() => stream.abort())
  const events = await fetch(`${base}/api/records`, { signal: stream.signal })
  assert.equal(events.headers.get('content-type'), 'text/event-stream; charset=utf-8')
  assert.equal(events.headers.get('x-content-type-options'), 'nosniff', 'the stream carries the security headers too')
  assert.equal(events.headers.get('x-replica'), 'test')

  const login = await fetch(`${base}/api/session/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
  })
  const cookie = login.headers.getSetCookie().find((line) => line.startsWith('sid='))?.split(';')[0] as string
  const me = await fetch(`${base}/api/session/me`, { headers: { cookie } })
  const denied = await fetch(`${base}/api/jwt/me`)
  const ids = [login, me, denied].map((response) => response.headers.get('x-request-id'))
  assert.ok(ids.every(Boolean), 'every response names its request')

  const records = await collect(events.body as ReadableStream<Uint8Array>, (seen) =>
    ids.every((id) => seen.some((record) => record.requestId === id)),
  )
  const byId = (id: string | null) => records.find((record) => record.requestId === id) as RequestRecord

  const meRecord = byId(ids[1] as string)
  assert.equal(meRecord.strategy, 'session')
  assert.equal(meRecord.route, '/api/session/me')
  assert.equal(meRecord.statusCode, 200)
  assert.equal(meRecord.errorCode, null)
  assert.ok(typeof meRecord.authMs === 'number' && meRecord.authMs > 0)
  const timing = parseServerTiming(me.headers.get('server-timing'))
  assert.deepEqual(
    meRecord.roundTrips.map((trip) => [trip.store, trip.command]),
    timing.filter((entry) => entry.name === 'redis' || entry.name === 'pg').map((entry) => [entry.name, entry.desc]),
  )
  assert.deepEqual(countRoundTrips(me.headers.get('server-timing')), { redis: 1, pg: 0 })
  // The record's time is the header's `total` (two decimals there), never a later reading the client did not wait for.
  for (const [response, index] of [[login, 0], [me, 1], [denied, 2]] as const) {
    const total = parseServerTiming(response.headers.get('server-timing')).find((entry) => entry.name === 'total')?.dur
    assert.equal(byId(ids[index] as string).durationMs.toFixed(2), total?.toFixed(2))
  }

  const loginRecord = byId(ids[0] as string)
  assert.ok(loginRecord.roundTrips.some((trip) => trip.store === 'pg' && trip.command === 'SELECT users'), 'login reads the user')

  const deniedRecord = byId(ids[2] as string)
  assert.deepEqual([deniedRecord.statusCode, deniedRecord.errorCode, deniedRecord.roundTrips.length], [401, 'AUTH_MISSING', 0])
})

/** Opens the stream (with a Last-Event-ID when given), closed when the test ends. */
async function subscribe(t: TestContext, base: string, lastEventId?: string) {
  const controller = new AbortController()
  t.after(() => controller.abort())
  const response = await fetch(`${base}/api/records`, { signal: controller.signal, headers: lastEventId ? { 'last-event-id': lastEventId } : {} })
  assert.equal(response.status, 200)
  return { body: response.body as ReadableStream<Uint8Array>, close: () => controller.abort() }
}

const requestId = async (base: string, path: string) => (await fetch(`${base}${path}`)).headers.get('x-request-id') as string

test('a page’s first requests keep their records when its stream opens after them: a new subscriber gets the last seconds first', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  const base = await fastify.listen({ host: '127.0.0.1', port: 0 })
  // Nobody subscribed yet, as when a page's first /me is answered before its EventSource is open.
  const early = [await requestId(base, '/api/session/me'), await requestId(base, '/api/jwt/me')]
  const { body } = await subscribe(t, base)
  const later = await requestId(base, '/api/session-pg/me')
  const events = await collectEvents(body, (seen) => seen.some((event) => event.record.requestId === later))
  const ids = events.map((event) => event.record.requestId)
  assert.deepEqual(ids.slice(-3), [...early, later], 'the early records first, then the live one, each once')
  assert.equal(new Set(ids).size, ids.length)
})

test('a subscriber that reconnects with Last-Event-ID gets exactly what it missed; an id from another process gets the last seconds', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  const base = await fastify.listen({ host: '127.0.0.1', port: 0 })
  const first = await subscribe(t, base)
  const seen = await requestId(base, '/api/session/me')
  const [lastSeen] = await collectEvents(first.body, (events) => events.some((event) => event.record.requestId === seen))
  assert.equal(lastSeen?.record.requestId, seen)
  first.close()
  // Away for a while: two requests go by.
  const missed = [await requestId(base, '/api/jwt/me'), await requestId(base, '/api/session-cached/me')]
  const resumed = await subscribe(t, base, lastSeen?.id)
  const after = await requestId(base, '/api/jwt-cookie/me')
  const events = await collectEvents(resumed.body, (got) => got.some((event) => event.record.requestId === after))
  assert.deepEqual(
    events.map((event) => event.record.requestId),
    [...missed, after],
  )
  // An id this process never gave (another replica's, or from before a restart): the last seconds instead.
  const foreign = await subscribe(t, base, `other-replica.x:${events.length}`)
  const replayed = await collectEvents(foreign.body, (got) => got.some((event) => event.record.requestId === after))
  assert.deepEqual(
    replayed.map((event) => event.record.requestId),
    [seen, ...missed, after],
  )
})

test(`what a new subscriber is sent first stays within ${REPLAY_MAX_BYTES / 1024} KiB, however fat the records`, async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  const base = await fastify.listen({ host: '127.0.0.1', port: 0 })
  const path = `/api/${'x'.repeat(8 * 1024)}`
  for (let sent = 0; sent < 300; sent += 50) await Promise.all(Array.from({ length: 50 }, () => fastify.inject({ method: 'GET', url: path })))
  const last = await requestId(base, '/api/jwt/me')
  const { body } = await subscribe(t, base)
  const replayed = await collectEvents(body, (seen) => seen.some((event) => event.record.requestId === last))
  const bytes = replayed.reduce((sum, event) => sum + event.bytes, 0)
  assert.ok(replayed.length >= 10, `the newest records are replayed (${replayed.length})`)
  assert.ok(bytes <= REPLAY_MAX_BYTES, `${bytes} bytes replayed`)
})

test('the live stream exists only in the demo profile', async (t) => {
  const fastify = await buildApp(t)
  const response = await fastify.inject({ method: 'GET', url: '/api/records' })
  assert.equal(response.statusCode, 404)
  assert.equal(response.json().code, 'NOT_FOUND')
})

test(`subscribers are capped at ${MAX_SUBSCRIBERS}; a closed one frees its place`, async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  const base = await fastify.listen({ host: '127.0.0.1', port: 0 })
  const streams = await Promise.all(
    Array.from({ length: MAX_SUBSCRIBERS }, async () => {
      const controller = new AbortController()
      t.after(() => controller.abort())
      const response = await fetch(`${base}/api/records`, { signal: controller.signal })
      assert.equal(response.status, 200)
      return controller
    }),
  )
  const refused = await fetch(`${base}/api/records`)
  assert.equal(refused.status, 429)
  assert.equal(((await refused.json()) as { code: string }).code, 'RATE_LIMITED')
  streams[0]?.abort()
  for (let attempt = 0; ; attempt++) {
    const again = await fetch(`${base}/api/records`, { signal: AbortSignal.timeout(2000) }).catch(() => null)
    if (again?.status === 200) break
    assert.ok(attempt < 50, 'a place frees up once a subscriber leaves')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
})

test('a subscriber that stops reading is dropped once it falls behind, not buffered without bound', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const { port } = fastify.server.address() as AddressInfo
  const serverSide = new Promise<Socket>((resolve) => fastify.server.once('connection', resolve))
  const socket = connect(port, '127.0.0.1')
  t.after(() => socket.destroy())
  socket.on('error', () => {})
  await new Promise((resolve) => socket.once('connect', resolve))
  const subscriber = await serverSide
  socket.write('GET /api/records HTTP/1.1\r\nHost: lab\r\n\r\n')
  socket.pause() // a client that never reads again
  await new Promise((resolve) => setTimeout(resolve, 200))
  const before = process.memoryUsage().rss
  // Fat records (an 8 KiB path each) fill the socket's buffers, then the stream's own.
  const path = `/api/${'x'.repeat(8 * 1024)}`
  let sent = 0
  for (; sent < 4000 && !subscriber.destroyed; sent += 100) {
    await Promise.all(Array.from({ length: 100 }, () => fastify.inject({ method: 'GET', url: path })))
    await new Promise((resolve) => setImmediate(resolve))
  }
  assert.ok(subscriber.destroyed, 'the server dropped the subscriber that stopped reading')
  const grownMb = (process.memoryUsage().rss - before) / 2 ** 20
  t.diagnostic(`a stalled subscriber was dropped after ${sent} records of 8 KiB; the process grew ${grownMb.toFixed(0)} MB meanwhile`)
})
