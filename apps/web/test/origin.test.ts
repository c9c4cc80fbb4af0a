// The web origin's proxy against a real HTTP server in the API's place (test/upstream.ts). Next's
// place is taken by a plain handler: what these tests look at happens before Next.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { BODY_LIMIT } from '../server/api-proxy.ts'
import { createOrigin } from '../server/origin.ts'
import { startUpstream, type Upstream } from './upstream.ts'

const REQUEST_TIMEOUT_MS = 1000

let upstream: Upstream
let origin: Server
let port: number

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

before(async () => {
  upstream = await startUpstream()
  origin = createOrigin({ apiUrl: upstream.url, next: async (_req, res) => void res.end('a page'), demo: false, requestTimeoutMs: REQUEST_TIMEOUT_MS })
  port = await listen(origin)
})
after(async () => {
  origin.closeAllConnections()
  origin.close()
  await upstream.close()
})

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; localAddress?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, localAddress: options.localAddress, agent: false }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

/** The request the upstream saw for `url`, once it arrived. */
async function arrival(url: string, since: number): Promise<Upstream['received'][number]> {
  for (let i = 0; i < 200; i++) {
    const found = upstream.received.slice(since).find((entry) => entry.url === url)
    if (found) return found
    await sleep(10)
  }
  throw new Error(`${url} never reached the upstream`)
}

function assertSecurityHeaders(headers: IncomingHttpHeaders) {
  assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/)
  assert.equal(headers['x-frame-options'], 'DENY')
  assert.equal(headers['x-content-type-options'], 'nosniff')
  assert.ok(headers['referrer-policy'])
  assert.ok(headers['permissions-policy'])
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin')
  assert.equal(headers['strict-transport-security'], 'max-age=31536000; includeSubDomains')
}

test('behind a TLS terminator (PUBLIC_URL https), the API is told the browser used https, whatever the client claims', async (t) => {
  const behindTls = createOrigin({ apiUrl: upstream.url, next: async (_req, res) => void res.end(), demo: false, publicUrl: 'https://lab.example' })
  await new Promise<void>((resolve) => behindTls.listen(0, '127.0.0.1', resolve))
  t.after(() => behindTls.close())
  const { port } = behindTls.address() as AddressInfo
  const response = await fetch(`http://127.0.0.1:${port}/api/echo`, { headers: { 'x-forwarded-proto': 'http' } })
  const { headers } = (await response.json()) as { headers: IncomingHttpHeaders }
  assert.equal(headers['x-forwarded-proto'], 'https')
})

test("with PUBLIC_URL, the API and the orders service are told its host as X-Forwarded-Host, never the Host a client sends (jwt-dpop's htu is rebuilt from it)", async () => {
  const pinned = createOrigin({ apiUrl: upstream.url, ordersUrl: upstream.url, next: async (_req, res) => void res.end(), demo: false, publicUrl: 'http://lab.example:8080' })
  const pinnedPort = await listen(pinned)
  const forwardedFrom = (path: string, host: string) =>
    new Promise<IncomingHttpHeaders>((resolve, reject) => {
      request({ host: '127.0.0.1', port: pinnedPort, path, headers: { host, 'x-forwarded-host': 'evil.example' }, agent: false }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve((JSON.parse(body) as { headers: IncomingHttpHeaders }).headers))
      })
        .on('error', reject)
        .end()
    })
  try {
    for (const path of ['/api/echo', '/orders/echo']) {
      for (const host of ['evil.example', 'lab.example:8080', '127.0.0.1']) {
        const headers = await forwardedFrom(path, host)
        assert.equal(headers['x-forwarded-host'], 'lab.example:8080', `${path}, Host: ${host}`)
        assert.equal(headers['x-forwarded-proto'], 'http', `${path}, Host: ${host}`)
      }
    }
  } finally {
    pinned.close()
  }
})

test("a client's X-Forwarded-For is replaced by the address it connects from, and other forwarding headers it sends are dropped", async () => {
  const { status, body } = await send('/api/echo?x=1', {
    localAddress: '127.0.0.2',
    headers: {
      'x-forwarded-for': '203.0.113.9',
      forwarded: 'for=203.0.113.9',
      'x-real-ip': '203.0.113.9',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-port': '443',
      cookie: 'sid=abc',
      authorization: 'Bearer t',
      origin: 'http://lab.example',
      'sec-fetch-site': 'same-origin',
      'user-agent': 'test-browser',
      'x-lab-replica': 'api-2',
      host: 'lab.example',
    },
  })
  assert.equal(status, 200)
  const { headers } = JSON.parse(body) as { headers: IncomingHttpHeaders }
  assert.equal(headers['x-forwarded-for'], '127.0.0.2')
  assert.equal(headers['x-forwarded-host'], 'lab.example')
  assert.equal(headers['x-forwarded-proto'], 'http')
  for (const name of ['forwarded', 'x-real-ip', 'x-forwarded-port']) assert.equal(headers[name], undefined, name)
  assert.equal(headers.cookie, 'sid=abc')
  assert.equal(headers.authorization, 'Bearer t')
  assert.equal(headers.origin, 'http://lab.example')
  assert.equal(headers['sec-fetch-site'], 'same-origin')
  assert.equal(headers['user-agent'], 'test-browser')
  assert.equal(headers['x-lab-replica'], 'api-2')
})

test("the API's response reaches the browser with the API's own headers, cookies included, and no header of the origin's", async () => {
  const { status, headers } = await send('/api/echo')
  assert.equal(status, 200)
  assert.deepEqual(headers['set-cookie'], ['a=1; Path=/; HttpOnly', 'b=2; Path=/api/jwt/refresh; HttpOnly'])
  assert.equal(headers['x-request-id'], 'upstream-1')
  assert.equal(headers['server-timing'], 'redis;dur=0.5;desc="GET"')
  assert.equal(headers['content-security-policy'], undefined)
  // The API connection's keep-alive is its own business.
  assert.notEqual(headers['keep-alive'], 'timeout=72')
})

test("the API's public keys are proxied from the well-known path, and nothing else there is", async () => {
  const since = upstream.received.length
  const jwks = await send('/.well-known/jwks.json')
  assert.equal(jwks.status, 200)
  assert.equal((await arrival('/.well-known/jwks.json', since)).method, 'GET')
  for (const path of ['/.well-known/jwks.json/../security.txt', '/.well-known/jwks.jsonx', '/.well-known/security.txt']) {
    assert.equal((await send(path)).body, 'a page', path)
  }
  assert.ok(!upstream.received.slice(since + 1).some((entry) => entry.url.startsWith('/.well-known/')), 'no other well-known path reached the API')
})

test('a body within the limit streams to the API whole', async () => {
  const body = Buffer.alloc(BODY_LIMIT, 'a')
  const { status, body: answer } = await send('/api/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  assert.equal(status, 200)
  assert.equal((JSON.parse(answer) as { bytes: number }).bytes, BODY_LIMIT)
})

test("a body whose Content-Length is over the API's limit gets a 413 before any of it is sent, and the API never sees the request", async () => {
  const since = upstream.received.length
  const socket = connect(port, '127.0.0.1')
  let answer = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
  // Headers only: the answer must not wait for the body.
  socket.write(`POST /api/echo HTTP/1.1\r\nHost: lab\r\nContent-Type: application/json\r\nContent-Length: ${1024 * 1024}\r\n\r\n`)
  await once(socket, 'close')
  const [head = '', body = ''] = answer.split('\r\n\r\n')
  assert.match(head, /^HTTP\/1\.1 413 /)
  assert.match(head, /\r\nconnection: close\r\n/i)
  assert.match(head, /\r\nx-frame-options: DENY\r\n/i)
  assert.equal((JSON.parse(body) as { code: string }).code, 'PAYLOAD_TOO_LARGE')
  assert.equal(upstream.received.length, since)
})

/**
 * A raw connection that sends `parts` (a pause of `gapMs` between them), then sends nothing more
 * and waits for the origin to answer and close. A client still writing when a server closes gets a
 * reset that can overtake the answer, so each client here stops writing before the limit it tests.
 */
async function rawExchange(parts: Array<string | Buffer>, gapMs = 0): Promise<{ answer: string; elapsedMs: number }> {
  const socket = connect(port, '127.0.0.1')
  let answer = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
  // A reset after the answer is no failure; a missing answer is, below.
  socket.on('error', () => {})
  const closed = once(socket, 'close')
  const started = performance.now()
  for (const part of parts) {
    socket.write(part)
    if (gapMs) await sleep(gapMs)
  }
  await closed
  return { answer, elapsedMs: performance.now() - started }
}

/** `count` chunks of 4 KiB of a chunked body, in one piece. */
const chunks = (count: number) => Buffer.concat(Array.from({ length: count }, () => Buffer.from(`1000\r\n${'a'.repeat(4096)}\r\n`)))

test('a streamed body is cut as soon as it crosses the limit: 413, the connection closed, and the API never gets it whole', async () => {
  const since = upstream.received.length
  // 16 KiB go through, then 4 KiB more of a body that never ends: the answer cannot be waiting for the end.
  const { answer } = await rawExchange(['POST /api/echo HTTP/1.1\r\nHost: lab\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n', chunks(4), chunks(1)], 50)
  assert.match(answer, /^HTTP\/1\.1 413 /)
  assert.match(answer, /"code":"PAYLOAD_TOO_LARGE"/)
  const seen = await arrival('/api/echo', since)
  await seen.closed
  assert.equal(seen.complete, false)
  assert.ok(seen.bytes <= BODY_LIMIT, `the API received ${seen.bytes} bytes`)
})

test('a body still incomplete when the request timeout passes gets a 408 and the connection closes; the API request is abandoned', async () => {
  const since = upstream.received.length
  // 5 of 100 bytes, one every 100 ms, then nothing.
  const { answer, elapsedMs } = await rawExchange(['POST /api/echo HTTP/1.1\r\nHost: lab\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n', 'a', 'a', 'a', 'a', 'a'], 100)
  assert.match(answer, /^HTTP\/1\.1 408 /)
  assert.match(answer, /"code":"REQUEST_TIMEOUT"/)
  assert.ok(elapsedMs >= REQUEST_TIMEOUT_MS && elapsedMs < REQUEST_TIMEOUT_MS + 1000, `cut after ${Math.round(elapsedMs)} ms`)
  const seen = await arrival('/api/echo', since)
  await seen.closed
  assert.equal(seen.complete, false)
})

test('headers still incomplete when the request timeout passes get a 408', async () => {
  const { answer, elapsedMs } = await rawExchange(['GET /api/echo HTTP/1.1\r\n', 'x-slow: 1\r\n', 'x-slow: 2\r\n', 'x-slow: 3\r\n'], 100)
  assert.match(answer, /^HTTP\/1\.1 408 /)
  assert.match(answer, /content-security-policy: default-src 'none'/)
  assert.ok(elapsedMs < REQUEST_TIMEOUT_MS + 1000)
})

test("requests Node's parser refuses get the lab's JSON errors, and the origin keeps serving", async () => {
  const raw = async (bytes: Buffer) => {
    const socket = connect(port, '127.0.0.1')
    let answer = ''
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
    socket.end(bytes)
    await once(socket, 'close')
    return answer
  }
  const badPath = await raw(Buffer.concat([Buffer.from('GET /api/'), Buffer.from([0xff]), Buffer.from(' HTTP/1.1\r\nHost: lab\r\n\r\n')]))
  assert.match(badPath, /^HTTP\/1\.1 400 /)
  assert.match(badPath, /"code":"BAD_REQUEST"/)
  const hugeHeaders = await raw(Buffer.from(`GET /api/echo HTTP/1.1\r\nHost: lab\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`))
  assert.match(hugeHeaders, /^HTTP\/1\.1 431 /)
  assert.match(hugeHeaders, /"code":"HEADERS_TOO_LARGE"/)
  assert.equal((await send('/api/echo')).status, 200)
})

test('Server-Sent Events pass unbuffered, and a client that goes away closes the API stream within a second', async () => {
  const since = upstream.received.length
  const req = request({ host: '127.0.0.1', port, path: '/api/records', agent: false })
  req.end()
  const [res] = (await once(req, 'response')) as [IncomingMessage]
  assert.equal(res.headers['content-type'], 'text/event-stream')
  // The stream is still open upstream: this event can only have come through unbuffered.
  const [first] = (await once(res, 'data')) as [Buffer]
  assert.match(first.toString(), /^event: record\ndata: \{"n":1\}/)
  const stream = await arrival('/api/records', since)
  const left = performance.now()
  req.destroy()
  const closedAt = await Promise.race([stream.closed, sleep(2000).then(() => Infinity)])
  assert.ok(closedAt - left < 1000, 'the API stream was still open a second after the client left')
})

test('an answer the API cuts short is cut short for the browser too, never passed off as complete', async () => {
  const outcome = await new Promise<string>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/cut', agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve('complete'))
      res.on('error', () => resolve('cut'))
      res.on('close', () => resolve(res.complete ? 'complete' : 'cut'))
    })
    req.on('error', () => resolve('cut'))
    req.end()
    setTimeout(() => resolve('still open'), 3000).unref()
  })
  assert.equal(outcome, 'cut')
})

test('a client that goes away before the API answers aborts the API request at once', async () => {
  const since = upstream.received.length
  const req = request({ host: '127.0.0.1', port, path: '/api/slow', agent: false })
  req.on('error', () => {})
  req.end()
  const slow = await arrival('/api/slow', since)
  const left = performance.now()
  req.destroy()
  const closedAt = await Promise.race([slow.closed, sleep(2000).then(() => Infinity)])
  assert.ok(closedAt - left < 1000, 'the API request outlived its client')
})

test('an API that cannot be reached gets a 502 API_UNREACHABLE', async () => {
  const dead = createOrigin({ apiUrl: 'http://127.0.0.1:9', next: async (_req, res) => void res.end(), demo: false })
  const deadPort = await listen(dead)
  try {
    const answer = await new Promise<Answer>((resolve, reject) => {
      request({ host: '127.0.0.1', port: deadPort, path: '/api/health', agent: false }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      })
        .on('error', reject)
        .end()
    })
    assert.equal(answer.status, 502)
    assert.deepEqual(JSON.parse(answer.body), { statusCode: 502, code: 'API_UNREACHABLE', error: 'Bad Gateway', message: 'The web lab cannot reach the API' })
    assertSecurityHeaders(answer.headers)
  } finally {
    dead.close()
  }
})

test('an API or orders service that sends no answer within the timeout gets a 504 API_TIMEOUT naming it, and the request to it is aborted', async () => {
  const timeoutMs = 300
  const impatient = createOrigin({ apiUrl: upstream.url, ordersUrl: upstream.url, next: async (_req, res) => void res.end(), demo: false, upstreamTimeoutMs: timeoutMs })
  const impatientPort = await listen(impatient)
  const get = (path: string) =>
    new Promise<Answer & { ms: number }>((resolve, reject) => {
      const started = performance.now()
      request({ host: '127.0.0.1', port: impatientPort, path, agent: false }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: performance.now() - started }))
      })
        .on('error', reject)
        .end()
    })
  try {
    for (const [path, name] of [
      ['/api/slow', 'the API'],
      ['/orders/slow', 'the orders service'],
    ] as const) {
      const since = upstream.received.length
      const answer = await get(path)
      assert.equal(answer.status, 504, path)
      assert.deepEqual(JSON.parse(answer.body), { statusCode: 504, code: 'API_TIMEOUT', error: 'Gateway Timeout', message: `The web lab got no answer from ${name} within 0.3 s` })
      assertSecurityHeaders(answer.headers)
      assert.ok(answer.ms >= timeoutMs && answer.ms < timeoutMs + 1000, `${path}: 504 after ${Math.round(answer.ms)} ms`)
      const abandoned = await arrival(path, since)
      const closedAt = await Promise.race([abandoned.closed, sleep(1000).then(() => Infinity)])
      assert.ok(closedAt < Infinity, `${path}: the upstream request outlived the 504`)
    }
  } finally {
    impatient.close()
  }
})

test('the upstream timeout bounds the wait for the headers only: a stream that started in time stays open past it', async () => {
  const timeoutMs = 200
  const impatient = createOrigin({ apiUrl: upstream.url, next: async (_req, res) => void res.end(), demo: false, upstreamTimeoutMs: timeoutMs })
  const impatientPort = await listen(impatient)
  const req = request({ host: '127.0.0.1', port: impatientPort, path: '/api/records', agent: false })
  req.end()
  try {
    const [res] = (await once(req, 'response')) as [IncomingMessage]
    assert.equal(res.statusCode, 200)
    const [first] = (await once(res, 'data')) as [Buffer]
    assert.match(first.toString(), /^event: record\n/)
    let closed = false
    res.on('close', () => (closed = true))
    await sleep(timeoutMs * 4)
    assert.equal(closed, false, 'the stream was cut')
  } finally {
    req.destroy()
    impatient.closeAllConnections()
    impatient.close()
  }
})

/** One raw request to `to`; the answer, and whether the origin closed the connection within `waitMs`. */
async function rawRequest(to: number, text: string, waitMs = 2000): Promise<{ answer: string; closed: boolean; elapsedMs: number }> {
  const socket = connect(to, '127.0.0.1')
  let answer = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
  socket.on('error', () => {})
  const started = performance.now()
  socket.write(text)
  const closed = await Promise.race([once(socket, 'close').then(() => true), sleep(waitMs).then(() => false)])
  socket.destroy()
  return { answer, closed, elapsedMs: performance.now() - started }
}

test('a request to upgrade the connection (WebSocket, h2c) gets a 501 UPGRADE_NOT_SUPPORTED at once and the connection closes, whatever listens for upgrades; nothing reaches the API', async () => {
  const withOrders = createOrigin({ apiUrl: upstream.url, ordersUrl: upstream.url, next: async (_req, res) => void res.end('a page'), demo: false })
  // What Next's request handler adds on its first request: a listener that leaves unrouted upgrades hanging.
  withOrders.on('upgrade', () => {})
  const withOrdersPort = await listen(withOrders)
  const since = upstream.received.length
  try {
    for (const path of ['/api/health', '/orders/health', '/']) {
      for (const upgrade of ['Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA']) {
        const label = `${path} ${upgrade.split('\r\n')[1]}`
        const { answer, closed, elapsedMs } = await rawRequest(withOrdersPort, `GET ${path} HTTP/1.1\r\nHost: lab\r\n${upgrade}\r\n\r\n`)
        assert.match(answer, /^HTTP\/1\.1 501 /, label)
        assert.match(answer, /\r\nconnection: close\r\n/i, label)
        assert.match(answer, /"code":"UPGRADE_NOT_SUPPORTED"/, label)
        assert.match(answer, /\r\ncontent-security-policy: default-src 'none'/, label)
        assert.ok(closed && elapsedMs < 1000, `${label}: closed ${closed} after ${Math.round(elapsedMs)} ms`)
      }
    }
    assert.equal(upstream.received.length, since, 'no upgrade request reached the upstream')
    assert.equal((await send('/api/echo')).status, 200, 'and the origin keeps serving')
  } finally {
    withOrders.close()
  }
})

test('a request target that is not a path (OPTIONS *, an absolute URL) gets a 400 BAD_REQUEST before any routing, never a redirect or a 500', async () => {
  const seen: string[] = []
  const recording = createOrigin({ apiUrl: upstream.url, next: async (req, res) => void res.end(seen.push(req.url ?? '')), demo: false })
  const recordingPort = await listen(recording)
  const since = upstream.received.length
  try {
    for (const line of ['OPTIONS *', 'GET *', 'GET http://evil.example/x', `GET http://127.0.0.1:${recordingPort}/api/echo`, 'GET https://evil.example/']) {
      const { answer, closed } = await rawRequest(recordingPort, `${line} HTTP/1.1\r\nHost: lab\r\n\r\n`)
      assert.match(answer, /^HTTP\/1\.1 400 /, line)
      assert.match(answer, /"code":"BAD_REQUEST"/, line)
      assert.doesNotMatch(answer, /\r\nlocation:/i, line)
      assert.ok(closed, `${line}: the connection stayed open`)
    }
    assert.deepEqual(seen, [], 'Next never saw them')
    assert.equal(upstream.received.length, since, 'nor did the API')
  } finally {
    recording.close()
  }
})

test("pages get the lab's security headers, with a fresh script nonce each time", async () => {
  const first = await send('/')
  const second = await send('/')
  assertSecurityHeaders(first.headers)
  const nonce = (headers: IncomingHttpHeaders) => /'nonce-([^']+)'/.exec(String(headers['content-security-policy']))?.[1]
  assert.ok(nonce(first.headers))
  assert.notEqual(nonce(first.headers), nonce(second.headers))
  assert.doesNotMatch(String(first.headers['content-security-policy']), /unsafe-eval/)
})

test('in production, demo-only paths never reach their routes, however the path is written', async () => {
  const seen: string[] = []
  const next = async (req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.url ?? '')
    res.end()
  }
  const server = createOrigin({ apiUrl: upstream.url, next, demo: false })
  const demo = createOrigin({ apiUrl: upstream.url, next, demo: true })
  const [productionPort, demoPort] = [await listen(server), await listen(demo)]
  const get = (to: number, path: string) =>
    new Promise<void>((resolve, reject) => request({ host: '127.0.0.1', port: to, path, agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject).end())
  try {
    const paths = ['/attacker/steal', '/bench', '/bench/run', '/outage?_rsc=1', '/range', '/replicas', '/workshop', '/./range', '/x/../outage', '//workshop', '/%2e/bench']
    for (const path of paths) await get(productionPort, path)
    assert.ok(seen.every((url) => url === '/_not-in-this-lab'), seen.join(' '))
    seen.length = 0
    await get(productionPort, '/revocation')
    await get(demoPort, '/range')
    assert.deepEqual(seen, ['/revocation', '/range'])
  } finally {
    server.close()
    demo.close()
  }
})

test("jwt-cookie's thief: in the demo profile the origin answers its one path under /api itself, with the at cookie; in production the API gets it", async () => {
  const seen: Array<{ url: string; cookie: string }> = []
  const next = async (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ url: req.url ?? '', cookie: req.headers.cookie ?? '' })
    res.end()
  }
  const demo = createOrigin({ apiUrl: upstream.url, next, demo: true })
  const production = createOrigin({ apiUrl: upstream.url, next, demo: false })
  const [demoPort, productionPort] = [await listen(demo), await listen(production)]
  const post = (to: number, path: string) =>
    new Promise<number>((resolve, reject) =>
      request({ host: '127.0.0.1', port: to, path, method: 'POST', headers: { cookie: 'at=a.b.c' }, agent: false }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)))
        .on('error', reject)
        .end(),
    )
  try {
    const since = upstream.received.length
    await post(demoPort, '/api/jwt-cookie/attacker/steal')
    assert.deepEqual(seen, [{ url: '/attacker/steal', cookie: 'at=a.b.c' }])
    // Any other path under /api/jwt-cookie is the API's, in the demo profile too.
    await post(demoPort, '/api/jwt-cookie/me')
    await post(productionPort, '/api/jwt-cookie/attacker/steal')
    assert.equal(seen.length, 1)
    assert.deepEqual(
      upstream.received.slice(since).map((entry) => entry.url),
      ['/api/jwt-cookie/me', '/api/jwt-cookie/attacker/steal'],
    )
  } finally {
    demo.close()
    production.close()
  }
})

test('/orders/* goes to the orders service through the same proxy: cookies and Authorization pass, a forwarded address is the socket peer; other paths never reach it', async () => {
  const orders = await startUpstream()
  const withOrders = createOrigin({ apiUrl: upstream.url, ordersUrl: orders.url, next: async (_req, res) => void res.end('a page'), demo: false })
  const ordersPort = await listen(withOrders)
  const get = (path: string, headers: Record<string, string> = {}) =>
    new Promise<Answer>((resolve, reject) => {
      request({ host: '127.0.0.1', port: ordersPort, path, headers, agent: false }, (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      })
        .on('error', reject)
        .end()
    })
  try {
    await get('/orders/session', { cookie: 'sid=abc', authorization: 'Bearer t', 'x-forwarded-for': '6.6.6.6' })
    const seen = orders.received.find((entry) => entry.url === '/orders/session')
    assert.ok(seen, 'the orders service got the request')
    assert.equal(seen.headers.cookie, 'sid=abc')
    assert.equal(seen.headers.authorization, 'Bearer t')
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1')
    const before = orders.received.length
    assert.equal((await get('/orders/../inspector')).body, 'a page')
    assert.equal((await get('/ordersX')).body, 'a page')
    assert.equal(orders.received.length, before, 'only /orders/* is proxied')
    // Without an orders URL, /orders/* is a page path like any other.
    assert.equal((await send('/orders/session')).body, 'a page')
  } finally {
    withOrders.closeAllConnections()
    withOrders.close()
    await orders.close()
  }
})
