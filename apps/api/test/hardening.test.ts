import assert from 'node:assert/strict'
import { test } from 'node:test'
import { STRATEGIES } from '@lab/contracts'
import { buildApp, headersFor, login, randomClientAddress } from './helpers.ts'

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
          headers: { ...headersFor(credential), ...headers },
          payload: { username: 'alice', password: 'alice-password' },
        })
        assert.equal(response.statusCode, 403, `${strategy}/${route} ${JSON.stringify(headers)}`)
        assert.equal(response.json().code, 'CROSS_SITE_REQUEST')
      }
    }
    // The session survived every forged logout above.
    const me = await fastify.inject({ method: 'GET', url: `/api/${strategy}/me`, headers: headersFor(credential) })
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
  for (const url of ['/api/health', '/api/jwt/me', '/api/nowhere']) {
    const response = await fastify.inject({ method: 'GET', url })
    assert.equal(response.headers['x-content-type-options'], 'nosniff', url)
    assert.match(String(response.headers['content-security-policy']), /default-src 'none'/, url)
    assert.equal(response.headers['x-frame-options'], 'SAMEORIGIN', url)
    assert.match(String(response.headers['strict-transport-security']), /max-age=/, url)
    assert.equal(response.headers['x-powered-by'], undefined, url)
  }
})

test('oversized headers are refused by the HTTP server with 431, before any auth code runs', async (t) => {
  const fastify = await buildApp(t)
  const base = await fastify.listen({ host: '127.0.0.1', port: 0 })
  for (const headers of [{ cookie: `sid=${'a'.repeat(20_000)}` }, { authorization: `Bearer ${'a'.repeat(20_000)}` }]) {
    const response = await fetch(`${base}/api/session/me`, { headers })
    assert.equal(response.status, 431)
  }
})

test('refresh is rate-limited per client like login', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 1 })
  const remoteAddress = randomClientAddress()
  const statuses: number[] = []
  for (let i = 0; i < 4; i++) {
    const response = await fastify.inject({ method: 'POST', url: '/api/jwt/refresh', remoteAddress, cookies: { rt: 'x'.repeat(43) } })
    statuses.push(response.statusCode)
  }
  assert.deepEqual(statuses, [401, 401, 401, 429])
})
