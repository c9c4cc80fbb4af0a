import { connect, type AddressInfo, type Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { STRATEGIES } from '@lab/contracts'
import { buildApp, headersFor, login } from './helpers.ts'

test('every state-changing route refuses a cross-site request, and accepts a same-origin one', async (t) => {
  const fastify = await buildApp(t)
  const crossSite = [
    { origin: 'https://evil.example' },
    { origin: 'null' },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site', origin: 'http://localhost:80' },
  ]
  for (const strategy of STRATEGIES) {
    const { credential } = await login(fastify, strategy)
    const routes = ['login', 'logout', ...(strategy.startsWith('jwt') ? ['refresh'] : [])]
    for (const route of routes) {
      for (const headers of crossSite) {
        const response = await fastify.inject({
          method: 'POST',
          url: `/api/${strategy}/${route}`,
          headers: { ...headersFor(credential, 'POST', `/api/${strategy}/${route}`), ...headers },
          payload: { username: 'alice', password: 'alice-password' },
        })
        assert.equal(response.statusCode, 403, `${strategy}/${route} ${JSON.stringify(headers)}`)
        assert.equal(response.json().code, 'CROSS_SITE_REQUEST')
      }
    }
    // The session survived every forged logout above.
    const me = await fastify.inject({ method: 'GET', url: `/api/${strategy}/me`, headers: headersFor(credential, 'GET', `/api/${strategy}/me`) })
    assert.equal(me.statusCode, 200, strategy)
  }
  const sameOrigin = await fastify.inject({
    method: 'POST',
    url: '/api/session/login',
    headers: { origin: 'http://localhost:80', host: 'localhost:80', 'sec-fetch-site': 'same-origin' },
    payload: { username: 'alice', password: 'alice-password' },
  })
  assert.equal(sameOrigin.statusCode, 200)
  const behindTheWebProxy = await fastify.inject({
    method: 'POST',
    url: '/api/session/login',
    remoteAddress: '127.0.0.1',
    headers: { origin: 'http://127.0.0.1:3000', 'x-forwarded-host': '127.0.0.1:3000' },
    payload: { username: 'alice', password: 'alice-password' },
  })
  assert.equal(behindTheWebProxy.statusCode, 200, 'the web app proxies same-origin requests')
})

test('no CORS: a preflight from another origin is not granted, credentials are never shared', async (t) => {
  const fastify = await buildApp(t)
  const preflight = await fastify.inject({
    method: 'OPTIONS',
    url: '/api/session/me',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
  })
  assert.equal(preflight.headers['access-control-allow-origin'], undefined)
  assert.equal(preflight.headers['access-control-allow-credentials'], undefined)
  const me = await fastify.inject({ method: 'GET', url: '/api/session/me', headers: { origin: 'https://evil.example' } })
  assert.equal(me.headers['access-control-allow-origin'], undefined)
})

test('security headers on every response, including errors', async (t) => {
  const fastify = await buildApp(t)
  const requests = [
    ...['/api/health', '/api/jwt/me', '/api/nowhere', '/.well-known/jwks.json', '/api/%'].map((url) => ({ method: 'GET' as const, url })),
    { method: 'POST' as const, url: '/api/session/logout', headers: { 'sec-fetch-site': 'cross-site' } },
  ]
  for (const request of requests) {
    const { url } = request
    const response = await fastify.inject(request)
    assert.equal(response.headers['x-content-type-options'], 'nosniff', url)
    assert.match(String(response.headers['content-security-policy']), /default-src 'none';base-uri 'none';frame-ancestors 'none'/, url)
    assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN', url)
    assert.match(String(response.headers['strict-transport-security']), /max-age=/, url)
    assert.equal(response.headers['x-powered-by'], undefined, url)
    assert.equal(response.headers['x-replica'], 'test', url)
    assert.ok(response.headers['x-request-id'], url)
    if (url !== '/.well-known/jwks.json') assert.equal(response.headers['cache-control'], 'no-store', url)
  }
})

test('oversized headers are refused by the HTTP server with 431, before any auth code runs, in the error format', async (t) => {
  const fastify = await buildApp(t)
  const base = await fastify.listen({ host: '127.0.0.1', port: 0 })
  for (const headers of [{ cookie: `sid=${'a'.repeat(20_000)}` }, { authorization: `Bearer ${'a'.repeat(20_000)}` }]) {
    const response = await fetch(`${base}/api/session/me`, { headers })
    assert.equal(response.status, 431)
    assert.deepEqual(await response.json(), { statusCode: 431, code: 'HEADERS_TOO_LARGE', error: 'Request Header Fields Too Large', message: 'Request headers too large' })
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff', 'the security headers too')
    assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=31536000/)
  }
})

/** Sends raw bytes and reads the whole answer until the server closes the connection. */
async function rawExchange(port: number, send: (socket: Socket) => void): Promise<{ text: string; ms: number }> {
  const started = performance.now()
  const socket = connect(port, '127.0.0.1')
  let text = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
  await new Promise((resolve) => socket.once('connect', resolve))
  send(socket)
  await new Promise((resolve) => socket.once('close', resolve))
  return { text, ms: performance.now() - started }
}

test('a malformed request line is a 400 in the error format, from the HTTP parser', async (t) => {
  const fastify = await buildApp(t)
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const { port } = fastify.server.address() as AddressInfo
  const { text } = await rawExchange(port, (socket) => socket.write('GET /api/health HTTP/1.1\r\nHost: lab\r\nBad Header\r\n\r\n'))
  assert.match(text, /^HTTP\/1\.1 400 /)
  assert.match(text, /"code":"BAD_REQUEST"/)
  assert.match(text, /\r\nx-content-type-options: nosniff\r\n/)
  assert.match(text, /\r\ncontent-security-policy: default-src 'none'/)
})

test('a body trickled byte by byte is cut off with 408 once the request takes longer than 10 s', async (t) => {
  const fastify = await buildApp(t)
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const { port } = fastify.server.address() as AddressInfo
  let timer: NodeJS.Timeout | undefined
  t.after(() => clearInterval(timer))
  const { text, ms } = await rawExchange(port, (socket) => {
    socket.write('POST /api/jwt/login HTTP/1.1\r\nHost: lab\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{')
    timer = setInterval(() => socket.writable && socket.write(' '), 1000)
  })
  assert.match(text, /^HTTP\/1\.1 408 /)
  assert.match(text, /"code":"REQUEST_TIMEOUT"/)
  assert.ok(ms < 12_500, `cut off after ${ms.toFixed(0)} ms`)
  t.diagnostic(`a trickled body was cut off after ${(ms / 1000).toFixed(1)} s`)
})

test('while the server shuts down, requests on open connections get 503 SHUTTING_DOWN in the error format', async (t) => {
  const fastify = await buildApp(t)
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const { port } = fastify.server.address() as AddressInfo
  // Two pipelined requests on one connection: the first (a login, argon2) is in flight when the
  // server starts closing, so the second arrives during the shutdown.
  const login = JSON.stringify({ username: 'alice', password: 'alice-password' })
  const { text } = await rawExchange(port, (socket) => {
    socket.write(`POST /api/jwt/login HTTP/1.1\r\nHost: lab\r\nContent-Type: application/json\r\nContent-Length: ${login.length}\r\n\r\n${login}`)
    setTimeout(() => {
      void fastify.close()
      setTimeout(() => socket.write('GET /api/health HTTP/1.1\r\nHost: lab\r\n\r\n'), 5)
    }, 5)
  })
  assert.match(text, /HTTP\/1\.1 503 /, text)
  assert.match(text, /"code":"SHUTTING_DOWN"/)
})

