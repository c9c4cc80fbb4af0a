import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { TOKEN_STRATEGIES } from '@lab/contracts'
import { buildApp, call, keepCookies, login, refresh } from './helpers.ts'

for (const strategy of TOKEN_STRATEGIES) {
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
      assert.notEqual(body.accessToken, first.accessToken)
      assert.notEqual(credential.cookies.rt, first.cookies.rt)
      const me = await call(fastify, 'GET', `/api/${strategy}/me`, { cookies: {}, accessToken: body.accessToken })
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

    test('replaying a rotated refresh token is rejected and revokes the family\'s newest token too', async (t) => {
      const fastify = await buildApp(t)
      const { credential } = await login(fastify, strategy)
      const stolen = structuredClone(credential)
      const rotated = await refresh(fastify, strategy, credential)
      keepCookies(credential, rotated)
      const newest = rotated.json().accessToken as string

      const replay = await refresh(fastify, strategy, stolen)
      assert.equal(replay.statusCode, 401)
      assert.equal(replay.json().code, 'AUTH_REVOKED')

      const legit = await refresh(fastify, strategy, credential)
      assert.equal(legit.statusCode, 401, 'the family is dead: the newest refresh token no longer works')
      const me = await call(fastify, 'GET', `/api/${strategy}/me`, { cookies: {}, accessToken: newest })
      if (strategy === 'jwt-denylist') {
        assert.equal(me.statusCode, 401, 'the denylist also blocks the family\'s access tokens')
        assert.equal(me.json().code, 'AUTH_REVOKED')
      } else {
        assert.equal(me.statusCode, 200, 'a plain JWT stays valid until exp: nothing checks the family')
      }
    })

    test('of two concurrent refreshes of one token exactly one succeeds', async (t) => {
      const fastify = await buildApp(t)
      const { credential } = await login(fastify, strategy)
      const results = await Promise.all(Array.from({ length: 4 }, () => refresh(fastify, strategy, credential)))
      assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 401, 401, 401])
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
      const unknown = await refresh(fastify, strategy, { cookies: { rt: 'x'.repeat(43) } })
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
