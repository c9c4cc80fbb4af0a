import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { SESSION_CACHE_COOKIE, type LoginInfo } from '@lab/contracts'
import { ADMIN, ALICE, buildApp, call, headersFor, keepCookies, login, roundTrips, type Credential } from './helpers.ts'

test('session-cached: no round trip while the copy is fresh, one Redis GET when it is stale, which renews it', async (t) => {
  // A copy's exp is in whole seconds from a whole-second iat: it lives between SESSION_CACHE_TTL - 1 and SESSION_CACHE_TTL s.
  const fastify = await buildApp(t, { sessionCacheTtl: 2 })
  const { credential } = await login(fastify, 'session-cached')
  const fresh = await call(fastify, 'GET', '/api/session-cached/me', credential)
  assert.equal(fresh.statusCode, 200)
  assert.deepEqual(roundTrips(fresh), { redis: 0, pg: 0 })
  await sleep(2100)
  const stale = await call(fastify, 'GET', '/api/session-cached/me', credential)
  assert.equal(stale.statusCode, 200)
  assert.deepEqual(roundTrips(stale), { redis: 1, pg: 0 })
  assert.match(stale.headers['server-timing'] as string, /redis;dur=[\d.]+;desc="GET"/)
  keepCookies(credential, stale)
  const renewed = await call(fastify, 'GET', '/api/session-cached/me', credential)
  assert.deepEqual(roundTrips(renewed), { redis: 0, pg: 0 }, 'the lookup re-issued a fresh copy')
})

test('session-cached: after logout the owner is out at once, a stolen copy works until it goes stale, then the store refuses it', async (t) => {
  const fastify = await buildApp(t, { sessionCacheTtl: 2 })
  const { credential } = await login(fastify, 'session-cached')
  const stolen = structuredClone(credential)
  const logout = await call(fastify, 'POST', '/api/session-cached/logout', credential)
  keepCookies(credential, logout)
  assert.deepEqual(Object.keys(credential.cookies).filter((name) => !name.startsWith('device_')), [], 'both cookies cleared in the owner’s browser')
  assert.equal((await call(fastify, 'GET', '/api/session-cached/me', credential)).statusCode, 401)

  const started = Date.now()
  const replay = await call(fastify, 'GET', '/api/session-cached/me', stolen)
  assert.equal(replay.statusCode, 200, 'the copy cannot be revoked: it is trusted without asking the store')
  assert.deepEqual(roundTrips(replay), { redis: 0, pg: 0 })
  let lastOk = started
  for (;;) {
    const response = await call(fastify, 'GET', '/api/session-cached/me', stolen)
    if (response.statusCode !== 200) {
      assert.equal(response.statusCode, 401)
      assert.deepEqual(roundTrips(response), { redis: 1, pg: 0 }, 'stale: the store is asked, and the session is gone')
      break
    }
    lastOk = Date.now()
    assert.ok(lastOk - started < 3000, 'the window closes within SESSION_CACHE_TTL')
    await sleep(100)
  }
  t.diagnostic(`a stolen session-cached copy kept working ${((lastOk - started) / 1000).toFixed(1)} s after logout (SESSION_CACHE_TTL 2 s)`)
})

test('session-cached: a copy is trusted only beside the session cookie it was issued with, and only if signed by the server', async (t) => {
  const fastify = await buildApp(t)
  const alice = (await login(fastify, 'session-cached')).credential
  const admin = (await login(fastify, 'session-cached', ADMIN)).credential
  // Admin's copy beside alice's session cookie: ignored, so the store answers with alice.
  const mixed = { cookies: { ...alice.cookies, [SESSION_CACHE_COOKIE]: admin.cookies[SESSION_CACHE_COOKIE] as string } }
  const me = await call(fastify, 'GET', '/api/session-cached/me', mixed)
  assert.equal(me.json().user.username, 'alice')
  assert.deepEqual(roundTrips(me), { redis: 1, pg: 0 })
  // A copy edited to say admin: its signature fails, the store is asked.
  const [header, payload, signature] = (alice.cookies[SESSION_CACHE_COOKIE] as string).split('.')
  const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString())
  const forged = [header, Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url'), signature].join('.')
  const admin403 = await call(fastify, 'GET', '/api/session-cached/admin', { cookies: { ...alice.cookies, [SESSION_CACHE_COOKIE]: forged } })
  assert.equal(admin403.statusCode, 403)
  // Without its session cookie a copy opens nothing.
  const copyAlone = await call(fastify, 'GET', '/api/session-cached/me', { cookies: { [SESSION_CACHE_COOKIE]: alice.cookies[SESSION_CACHE_COOKIE] as string } })
  assert.equal(copyAlone.statusCode, 401)
})

test('jwt-cookie: the access token rides in its cookie only; a Bearer header is not its credential', async (t) => {
  const fastify = await buildApp(t)
  const { credential, response } = await login(fastify, 'jwt-cookie')
  const at = credential.cookies.at as string
  assert.ok(at)
  assert.equal(response.json().accessToken, undefined)
  assert.equal((await call(fastify, 'GET', '/api/jwt-cookie/me', credential)).statusCode, 200)
  const bearer = await fastify.inject({ method: 'GET', url: '/api/jwt-cookie/me', headers: { authorization: `Bearer ${at}` } })
  assert.equal(bearer.statusCode, 401)
  assert.equal(bearer.json().code, 'AUTH_MISSING')
  // Its tokens are its own audience: refused by jwt, and jwt's by it.
  assert.equal((await fastify.inject({ method: 'GET', url: '/api/jwt/me', headers: { authorization: `Bearer ${at}` } })).statusCode, 401)
  const jwt = (await login(fastify, 'jwt')).credential
  assert.equal((await call(fastify, 'GET', '/api/jwt-cookie/me', { cookies: { at: jwt.accessToken as string } })).statusCode, 401)
})

test('jwt-cookie: a refresh renews the cookie and the body carries no token', async (t) => {
  const fastify = await buildApp(t)
  const { credential } = await login(fastify, 'jwt-cookie')
  const refreshed = await fastify.inject({ method: 'POST', url: '/api/jwt-cookie/refresh', cookies: { rt: credential.cookies.rt as string } })
  assert.equal(refreshed.statusCode, 200, refreshed.body)
  assert.equal(refreshed.json().accessToken, undefined)
  const at = refreshed.cookies.find((c) => c.name === 'at')
  assert.ok(at?.value && at.value !== credential.cookies.at)
  assert.equal((await call(fastify, 'GET', '/api/jwt-cookie/me', { cookies: { at: at.value } })).statusCode, 200)
})

test('jwt-cookie: the browser sends its cookie by itself, so every state-changing call from another site is refused', async (t) => {
  const fastify = await buildApp(t)
  const { credential } = await login(fastify, 'jwt-cookie')
  const cookie = Object.entries(credential.cookies).map(([name, value]) => `${name}=${value}`).join('; ')
  for (const url of ['/api/jwt-cookie/logout', '/api/jwt-cookie/refresh', '/api/jwt-cookie/logout-all', '/api/jwt-cookie/password']) {
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: 'https://evil.example' }]) {
      const response = await fastify.inject({ method: 'POST', url, headers: { ...headers, cookie }, payload: {} })
      assert.equal(response.statusCode, 403, `${url} ${JSON.stringify(headers)}`)
      assert.equal(response.json().code, 'CROSS_SITE_REQUEST')
    }
  }
  assert.equal((await call(fastify, 'GET', '/api/jwt-cookie/me', credential)).statusCode, 200, 'none of them ended the login')
})

test('demo profile: ?ttl=N makes a login whose short-lived credential lives N seconds; production refuses the option', async (t) => {
  const demo = await buildApp(t, { profile: 'demo' })
  for (const strategy of ['jwt', 'jwt-cookie'] as const) {
    const response = await demo.inject({ method: 'POST', url: `/api/${strategy}/login?ttl=5`, payload: { username: 'alice', password: 'alice-password' } })
    assert.equal(response.statusCode, 200, response.body)
    const lifetime = (Date.parse(response.json().accessTokenExpiresAt) - Date.now()) / 1000
    assert.ok(lifetime > 3 && lifetime <= 5, `${strategy}: ${lifetime} s`)
  }
  const cached = await demo.inject({ method: 'POST', url: '/api/session-cached/login?ttl=4', payload: { username: 'alice', password: 'alice-password' } })
  assert.equal(cached.cookies.find((c) => c.name === SESSION_CACHE_COOKIE)?.maxAge, 4)
  for (const bad of ['0', '2', '601', 'ten', '5&x=1']) {
    const response = await demo.inject({ method: 'POST', url: `/api/jwt/login?ttl=${bad}`, payload: { username: 'alice', password: 'alice-password' } })
    assert.equal(response.statusCode, 400, bad)
  }
  const production = await buildApp(t)
  const refused = await production.inject({ method: 'POST', url: '/api/jwt/login?ttl=5', payload: { username: 'alice', password: 'alice-password' } })
  assert.equal(refused.statusCode, 400)
  assert.equal(refused.json().code, 'BAD_REQUEST')
})

test('demo profile: a jwt-denylist login whose ?ttl outlives ACCESS_TOKEN_TTL stays refused once another device ends it', async (t) => {
  const demo = await buildApp(t, { profile: 'demo', accessTokenTtl: 2 })
  const phone = { cookies: {} } as Credential
  const laptop = { cookies: {} } as Credential
  const long = await demo.inject({ method: 'POST', url: '/api/jwt-denylist/login?ttl=30', headers: { 'user-agent': 'Phone Browser' }, payload: ALICE })
  keepCookies(phone, long)
  phone.accessToken = long.json().accessToken
  await login(demo, 'jwt-denylist', ALICE, laptop)
  const logins = (await call(demo, 'GET', '/api/jwt-denylist/sessions', laptop)).json<{ sessions: LoginInfo[] }>().sessions
  const target = logins.find((s) => s.userAgent === 'Phone Browser') as LoginInfo
  const ended = await demo.inject({ method: 'DELETE', url: `/api/jwt-denylist/sessions/${target.id}`, headers: headersFor(laptop) })
  assert.equal(ended.statusCode, 204, ended.body)
  assert.equal((await call(demo, 'GET', '/api/jwt-denylist/me', phone)).statusCode, 401)
  await sleep(3500) // past ACCESS_TOKEN_TTL, well within the token's own 30 s
  const later = await call(demo, 'GET', '/api/jwt-denylist/me', phone)
  assert.equal(later.statusCode, 401, 'the denylist entry outlives the longest token a login can hold')
  assert.equal(later.json().code, 'AUTH_REVOKED')
})
