import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ADMIN, ALICE, buildApp, call, login, roundTrips } from './helpers.ts'

for (const strategy of ['session', 'session-pg'] as const) {
  const cookieName = strategy === 'session' ? 'sid' : 'sid_pg'

  test(`${strategy}: a cookie planted before login is not authenticated after it`, async (t) => {
    const fastify = await buildApp(t)
    // The attacker holds a real session of their own and plants its cookie in the victim's browser.
    const attacker = await login(fastify, strategy)
    const planted = attacker.credential.cookies[cookieName] as string
    const victim = await login(fastify, strategy, ADMIN, { cookies: { [cookieName]: planted } })
    assert.equal(victim.response.statusCode, 200)

    const issued = victim.credential.cookies[cookieName]
    assert.ok(issued && issued !== planted, 'login issues a new session id')
    const withPlanted = await call(fastify, 'GET', `/api/${strategy}/me`, { cookies: { [cookieName]: planted } })
    assert.notEqual(withPlanted.statusCode === 200 && withPlanted.json().user.username, 'admin')
    assert.equal(withPlanted.statusCode, 401, 'the planted session was destroyed at login')
    const asVictim = await call(fastify, 'GET', `/api/${strategy}/me`, victim.credential)
    assert.equal(asVictim.json().user.username, 'admin')
  })

  test(`${strategy}: an id the server never issued is replaced at login`, async (t) => {
    const fastify = await buildApp(t)
    const forged = 'attacker-chosen-session-id-0000000'
    const victim = await login(fastify, strategy, ADMIN, { cookies: { [cookieName]: forged } })
    assert.equal(victim.response.statusCode, 200)
    assert.ok(!(victim.credential.cookies[cookieName] as string).startsWith(forged))
    const withForged = await call(fastify, 'GET', `/api/${strategy}/me`, { cookies: { [cookieName]: forged } })
    assert.equal(withForged.statusCode, 401)
  })

  test(`${strategy}: a tampered cookie is a 401, not a 500`, async (t) => {
    const fastify = await buildApp(t)
    const { credential } = await login(fastify, strategy)
    const [id, signature] = (credential.cookies[cookieName] as string).split('.')
    for (const value of [`${id}.${'A'.repeat(signature?.length ?? 43)}`, `${id}x.${signature}`, '', '%%%', 'a'.repeat(4000)]) {
      const response = await call(fastify, 'GET', `/api/${strategy}/me`, { cookies: { [cookieName]: value } })
      assert.equal(response.statusCode, 401, value.slice(0, 40))
    }
  })

  test(`${strategy}: duplicate cookies never authenticate as someone else and never fail the server`, async (t) => {
    const fastify = await buildApp(t)
    const alice = await login(fastify, strategy)
    const admin = await login(fastify, strategy, ADMIN)
    const aliceCookie = `${cookieName}=${alice.credential.cookies[cookieName]}`
    const adminCookie = `${cookieName}=${admin.credential.cookies[cookieName]}`
    const cases: Array<[string, number[]]> = [
      [`${aliceCookie}; ${cookieName}=forged`, [401, 403]],
      [`${cookieName}=forged; ${aliceCookie}`, [401, 403]],
      [`${aliceCookie}; ${adminCookie}`, [200, 403]],
    ]
    for (const [cookie, allowed] of cases) {
      const response = await fastify.inject({ method: 'GET', url: `/api/${strategy}/admin`, headers: { cookie } })
      assert.ok(allowed.includes(response.statusCode), `${cookie}: ${response.statusCode}`)
    }
  })

  test(`${strategy}: a session ends SESSION_TTL after login however active it is (absolute timeout)`, async (t) => {
    const fastify = await buildApp(t, { sessionTtl: 2 })
    const { credential } = await login(fastify, strategy)
    for (let i = 0; i < 3; i++) {
      assert.equal((await call(fastify, 'GET', `/api/${strategy}/me`, credential)).statusCode, 200, 'activity does not extend it')
      await sleep(500)
    }
    await sleep(1200)
    const expired = await call(fastify, 'GET', `/api/${strategy}/me`, credential)
    assert.equal(expired.statusCode, 401)
  })
}

for (const strategy of ['session', 'session-pg'] as const) {
  test(`${strategy}: a session unused for SESSION_IDLE_TIMEOUT ends, while use keeps it alive with few writes`, async (t) => {
    const fastify = await buildApp(t, { sessionIdleTimeout: 2 })
    const { credential } = await login(fastify, strategy)
    const me = () => call(fastify, 'GET', `/api/${strategy}/me`, credential)
    const first = await me()
    assert.deepEqual([first.statusCode, roundTrips(first)], [200, strategy === 'session' ? { redis: 1, pg: 0 } : { redis: 0, pg: 1 }], 'a fresh session is one lookup')
    for (let i = 0; i < 3; i++) {
      await sleep(1000)
      assert.equal((await me()).statusCode, 200, 'used within the idle timeout, it lives on past it')
    }
    await sleep(2600)
    const idle = await me()
    assert.equal(idle.statusCode, 401)
    assert.equal(idle.json().code, 'AUTH_EXPIRED')
    assert.equal((await me()).json().code, 'AUTH_INVALID', 'and it is gone from the store')
  })
}

test('over https every cookie carries the prefix browsers enforce: __Host- for sessions, __Secure- for the path-scoped refresh token', async (t) => {
  const fastify = await buildApp(t)
  // The lab's proxy (loopback, trusted) says the browser used https.
  const https = { 'x-forwarded-proto': 'https' }
  const session = await fastify.inject({ method: 'POST', url: '/api/session/login', headers: https, payload: ALICE })
  const sid = session.cookies.find((cookie) => cookie.name === '__Host-sid')
  assert.ok(sid, JSON.stringify(session.cookies))
  assert.deepEqual([sid.secure, sid.path, sid.httpOnly, sid.domain], [true, '/', true, undefined])
  const me = (cookie: string) => fastify.inject({ method: 'GET', url: '/api/session/me', headers: { ...https, cookie } })
  assert.equal((await me(`__Host-sid=${sid.value}`)).statusCode, 200)
  assert.equal((await me(`sid=${sid.value}`)).statusCode, 401, 'over https an unprefixed cookie (settable by a subdomain) is ignored')

  const jwt = await fastify.inject({ method: 'POST', url: '/api/jwt/login', headers: https, payload: ALICE })
  const rt = jwt.cookies.filter((cookie) => cookie.name === '__Secure-rt')
  assert.equal(rt.length, 3)
  assert.ok(rt.every((cookie) => cookie.secure && cookie.httpOnly))
  const refreshed = await fastify.inject({ method: 'POST', url: '/api/jwt/refresh', headers: { ...https, cookie: `__Secure-rt=${rt[0]?.value}` } })
  assert.equal(refreshed.statusCode, 200)
})
