import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { ACCESS_TOKEN_COOKIE, REFRESH_STRATEGIES } from '@lab/contracts'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp, call, keepCookies, login, newCredential, refresh, type Credential } from './helpers.ts'

/** Strict reuse detection: no grace at all, so any second use of a rotated token is theft. */
const STRICT = { refreshReuseGrace: 0 }

/** The access token a refresh handed over, where the strategy puts it: the body, or jwt-cookie's cookie; with jwt-dpop, held with the login's key. */
function accessFrom(response: LightMyRequestResponse, { dpop }: Credential): Credential {
  const cookie = response.cookies.find((c) => c.name === ACCESS_TOKEN_COOKIE)
  if (cookie) return { cookies: { [ACCESS_TOKEN_COOKIE]: cookie.value } }
  return { cookies: {}, accessToken: response.json().accessToken as string, ...(dpop && { dpop }) }
}

for (const strategy of REFRESH_STRATEGIES) {
  describe(`refresh tokens of ${strategy}`, () => {
    test('a refresh rotates the refresh token and issues a new access token', async (t) => {
      const fastify = await buildApp(t)
      const { credential } = await login(fastify, strategy)
      const first = structuredClone(credential)
      const response = await refresh(fastify, strategy, credential)
      assert.equal(response.statusCode, 200)
      keepCookies(credential, response)
      const body = response.json()
      assert.equal(body.user.username, 'alice')
      assert.notDeepEqual(accessFrom(response, { cookies: {} }), { cookies: first.cookies, accessToken: first.accessToken })
      assert.notEqual(credential.cookies.rt, first.cookies.rt)
      const me = await call(fastify, 'GET', `/api/${strategy}/me`, accessFrom(response, credential))
      assert.equal(me.statusCode, 200)
    })

    test('the refresh token is stored only as a SHA-256 hash', async (t) => {
      const fastify = await buildApp(t)
      const { credential } = await login(fastify, strategy)
      const token = credential.cookies.rt as string
      assert.ok(Buffer.from(token, 'base64url').length >= 32, 'at least 256 bits')
      const { rows } = await fastify.pg.query(
        "SELECT count(*)::int AS plain, (SELECT count(*)::int FROM refresh_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))) AS hashed FROM refresh_tokens WHERE encode(token_hash, 'escape') = $1",
        [token],
      )
      assert.deepEqual(rows[0], { plain: 0, hashed: 1 })
    })

    test('without a grace, replaying a rotated refresh token is rejected and revokes the family\'s newest token too', async (t) => {
      const fastify = await buildApp(t, STRICT)
      const { credential } = await login(fastify, strategy)
      const stolen = structuredClone(credential)
      const rotated = await refresh(fastify, strategy, credential)
      keepCookies(credential, rotated)
      const newest = accessFrom(rotated, credential)

      const replay = await refresh(fastify, strategy, stolen)
      assert.equal(replay.statusCode, 401)
      assert.equal(replay.json().code, 'AUTH_REVOKED')

      const legit = await refresh(fastify, strategy, credential)
      assert.equal(legit.statusCode, 401, 'the family is dead: the newest refresh token no longer works')
      const me = await call(fastify, 'GET', `/api/${strategy}/me`, newest)
      if (strategy === 'jwt-denylist') {
        assert.equal(me.statusCode, 401, 'the denylist also blocks the family\'s access tokens')
        assert.equal(me.json().code, 'AUTH_REVOKED')
      } else {
        assert.equal(me.statusCode, 200, 'a plain JWT stays valid until exp: nothing checks the family')
      }
    })

    test('without a grace, of concurrent refreshes of one token exactly one succeeds and the family is revoked', async (t) => {
      const fastify = await buildApp(t, STRICT)
      const { credential } = await login(fastify, strategy)
      const results = await Promise.all(Array.from({ length: 4 }, () => refresh(fastify, strategy, credential)))
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 401, 401, 401])
      const winner = results.find((r) => r.statusCode === 200)
      const successor = { cookies: { rt: winner?.cookies.find((c) => c.name === 'rt')?.value ?? '' } }
      assert.equal((await refresh(fastify, strategy, successor)).statusCode, 401, 'two tabs at once look like theft: both are out')
    })

    test('within the grace, concurrent refreshes of one token all get the same successor and the login lives on', async (t) => {
      const fastify = await buildApp(t, { refreshReuseGrace: 10 })
      const { credential } = await login(fastify, strategy)
      const results = await Promise.all(Array.from({ length: 4 }, () => refresh(fastify, strategy, credential)))
      assert.deepEqual(results.map((r) => r.statusCode), [200, 200, 200, 200], results.map((r) => r.body).join('\n'))
      const successors = new Set(results.map((r) => r.cookies.find((c) => c.name === 'rt')?.value))
      assert.equal(successors.size, 1, 'one successor for all: the tabs agree on the next token')
      for (const result of results) {
        assert.equal((await call(fastify, 'GET', `/api/${strategy}/me`, accessFrom(result, credential))).statusCode, 200)
      }
      const next = await refresh(fastify, strategy, { ...credential, cookies: { rt: [...successors][0] as string } })
      assert.equal(next.statusCode, 200, 'the family is alive: its successor rotates as usual')
    })

    test('after the grace, reusing a rotated token revokes the family', async (t) => {
      const fastify = await buildApp(t, { refreshReuseGrace: 1 })
      const { credential } = await login(fastify, strategy)
      const stolen = structuredClone(credential)
      const rotated = await refresh(fastify, strategy, credential)
      keepCookies(credential, rotated)
      await sleep(1300)
      const replay = await refresh(fastify, strategy, stolen)
      assert.equal(replay.statusCode, 401)
      assert.equal(replay.json().code, 'AUTH_REVOKED')
      assert.equal((await refresh(fastify, strategy, credential)).statusCode, 401, 'the family is dead')
    })

    test('a family ends at REFRESH_TOKEN_TTL from its login however often it is refreshed (absolute lifetime)', async (t) => {
      const fastify = await buildApp(t, { refreshTokenTtl: 2 })
      const { credential } = await login(fastify, strategy)
      const started = Date.now()
      const statuses: number[] = []
      while (Date.now() - started < 3000) {
        const response = await refresh(fastify, strategy, credential)
        statuses.push(response.statusCode)
        if (response.statusCode !== 200) break
        keepCookies(credential, response)
        await sleep(400)
      }
      assert.ok(statuses.filter((status) => status === 200).length >= 3, 'refreshed while it lived')
      assert.equal(statuses.at(-1), 401, 'then no rotation extended it past its lifetime')
      assert.ok(Date.now() - started >= 1900, 'not before')
    })

    test('a family unused for REFRESH_IDLE_TIMEOUT ends', async (t) => {
      const fastify = await buildApp(t, { refreshIdleTimeout: 1 })
      const { credential } = await login(fastify, strategy)
      await sleep(1300)
      const response = await refresh(fastify, strategy, credential)
      assert.equal(response.statusCode, 401)
      assert.equal(response.json().code, 'AUTH_INVALID')
    })

    test('logout ends the login even when its access token has expired, and with the refresh cookie alone', async (t) => {
      const fastify = await buildApp(t, { accessTokenTtl: 1 })
      const expired = (await login(fastify, strategy)).credential
      const copied = structuredClone(expired)
      await sleep(1300)
      assert.equal((await call(fastify, 'POST', `/api/${strategy}/logout`, expired)).statusCode, 204)
      assert.equal((await refresh(fastify, strategy, copied)).statusCode, 401, 'a refresh token copied before logout is dead')

      const cookieOnly = (await login(fastify, strategy)).credential
      const copy = structuredClone(cookieOnly)
      delete cookieOnly.accessToken
      delete cookieOnly.cookies[ACCESS_TOKEN_COOKIE]
      assert.equal((await call(fastify, 'POST', `/api/${strategy}/logout`, cookieOnly)).statusCode, 204)
      assert.equal((await refresh(fastify, strategy, copy)).statusCode, 401, 'the refresh cookie told logout which login to end')
    })

    test('a new login ends the login whose refresh cookie the browser still sends', async (t) => {
      const fastify = await buildApp(t)
      const { credential } = await login(fastify, strategy)
      const previous = structuredClone(credential)
      await login(fastify, strategy, undefined, credential)
      assert.notEqual(credential.cookies.rt, previous.cookies.rt)
      assert.equal((await refresh(fastify, strategy, previous)).statusCode, 401, 'the replaced login cannot be refreshed')
      assert.equal((await refresh(fastify, strategy, credential)).statusCode, 200)
    })

    test('the refresh cookie is sent only to refresh, logout and login', async (t) => {
      const fastify = await buildApp(t)
      const response = (await login(fastify, strategy)).response
      const paths = response.cookies.filter((c) => c.name === 'rt').map((c) => c.path).sort()
      assert.deepEqual(paths, ['login', 'logout', 'refresh'].map((route) => `/api/${strategy}/${route}`))
    })

    test('logout revokes the refresh family', async (t) => {
      const fastify = await buildApp(t)
      const { credential } = await login(fastify, strategy)
      const stolen = structuredClone(credential)
      assert.equal((await call(fastify, 'POST', `/api/${strategy}/logout`, credential)).statusCode, 204)
      const response = await refresh(fastify, strategy, stolen)
      assert.equal(response.statusCode, 401)
      assert.equal(response.json().code, 'AUTH_INVALID')
    })

    test('a refresh without the cookie is 401 AUTH_MISSING, with an unknown one 401 AUTH_INVALID', async (t) => {
      const fastify = await buildApp(t)
      const missing = await fastify.inject({ method: 'POST', url: `/api/${strategy}/refresh` })
      assert.equal(missing.json().code, 'AUTH_MISSING')
      const unknown = await refresh(fastify, strategy, { ...newCredential(strategy), cookies: { rt: 'x'.repeat(43) } })
      assert.equal(unknown.statusCode, 401)
      assert.equal(unknown.json().code, 'AUTH_INVALID')
    })
  })
}

test('a refresh token of one token strategy is refused by the other', async (t) => {
  const fastify = await buildApp(t)
  const { credential } = await login(fastify, 'jwt')
  const response = await refresh(fastify, 'jwt-denylist', credential)
  assert.equal(response.statusCode, 401)
  assert.equal((await refresh(fastify, 'jwt', credential)).statusCode, 200, 'still valid where it was issued')
})

test('demo profile: ?grace=0 makes one refresh strict, so two tabs at once show both behaviours on one API; production refuses it', async (t) => {
  const demo = await buildApp(t, { profile: 'demo', refreshReuseGrace: 10 })
  const { credential } = await login(demo, 'jwt')
  const strict = await Promise.all([0, 1].map(() => demo.inject({ method: 'POST', url: '/api/jwt/refresh?grace=0', cookies: { rt: credential.cookies.rt as string } })))
  assert.deepEqual(strict.map((r) => r.statusCode).sort(), [200, 401])
  const production = await buildApp(t)
  const refused = await production.inject({ method: 'POST', url: '/api/jwt/refresh?grace=0', cookies: { rt: 'x'.repeat(43) } })
  assert.equal(refused.statusCode, 400)
})
