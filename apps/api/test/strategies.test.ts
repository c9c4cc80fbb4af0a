import { randomUUID } from 'node:crypto'
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { STRATEGIES, type StrategyName } from '@lab/contracts'
import { ADMIN, ALICE, buildApp, call, login, roundTrips } from './helpers.ts'

/** Round trips of one authenticated GET /me, per strategy: the lab's central claim (session-cached: while its copy is fresh). */
const ROUND_TRIPS_PER_ME: Record<StrategyName, { redis: number; pg: number }> = {
  session: { redis: 1, pg: 0 },
  'session-pg': { redis: 0, pg: 1 },
  'session-cached': { redis: 0, pg: 0 },
  jwt: { redis: 0, pg: 0 },
  'jwt-denylist': { redis: 1, pg: 0 },
  'jwt-cookie': { redis: 0, pg: 0 },
  // the proof's jti, written once (SET NX) so it cannot be replayed
  'jwt-dpop': { redis: 1, pg: 0 },
}

/** Whether a credential captured before logout still opens /me right after it (session-cached: until its copy goes stale). */
const REVOKED_AT_LOGOUT: Record<StrategyName, boolean> = {
  session: true,
  'session-pg': true,
  'session-cached': false,
  jwt: false,
  'jwt-denylist': true,
  'jwt-cookie': false,
  'jwt-dpop': false,
}

/** The cookie a strategy's logout must clear. */
const CREDENTIAL_COOKIE: Record<StrategyName, string> = {
  session: 'sid',
  'session-pg': 'sid_pg',
  'session-cached': 'sid_cached',
  jwt: 'rt',
  'jwt-denylist': 'rt',
  'jwt-cookie': 'at',
  'jwt-dpop': 'rt',
}

for (const strategy of STRATEGIES) {
  describe(`strategy ${strategy}`, () => {
    test('login with the right password returns the user', async (t) => {
      const fastify = await buildApp(t)
      const { response, credential } = await login(fastify, strategy)
      assert.equal(response.statusCode, 200)
      const body = response.json()
      assert.deepEqual({ ...body.user, id: undefined }, { id: undefined, username: 'alice', role: 'user' })
      assert.equal(body.strategy, strategy)
      if (strategy.startsWith('jwt')) {
        assert.ok(Date.parse(body.accessTokenExpiresAt) > Date.now())
        assert.ok(credential.cookies.rt, 'refresh cookie set')
        const rt = response.cookies.find((c) => c.name === 'rt')
        assert.equal(rt?.path, `/api/${strategy}/refresh`)
        assert.equal(rt?.httpOnly, true)
        if (strategy === 'jwt-cookie') {
          assert.equal(body.accessToken, undefined, 'no script ever sees the token')
          const at = response.cookies.find((c) => c.name === 'at')
          assert.deepEqual([at?.httpOnly, at?.sameSite, at?.path], [true, 'Strict', '/api/jwt-cookie'])
        } else {
          assert.equal(typeof body.accessToken, 'string')
        }
      } else {
        const cookie = response.cookies.find((c) => c.name === CREDENTIAL_COOKIE[strategy])
        assert.ok(cookie, JSON.stringify(response.cookies))
        assert.equal(cookie?.httpOnly, true)
        assert.equal(cookie?.sameSite, 'Lax')
        assert.equal(cookie?.path, '/')
        assert.equal(body.accessToken, undefined)
      }
    })

    test('a wrong password and an unknown user get one identical 401', async (t) => {
      const fastify = await buildApp(t)
      const wrong = await login(fastify, strategy, { username: 'alice', password: 'not-her-password' })
      // A name of this run's own: failures of one account are counted in the shared Redis for an hour.
      const unknown = await login(fastify, strategy, { username: `nobody-${randomUUID()}`, password: 'alice-password' })
      assert.equal(wrong.response.statusCode, 401)
      assert.equal(wrong.response.body, unknown.response.body)
      assert.equal(wrong.response.json().code, 'INVALID_CREDENTIALS')
      assert.equal(wrong.response.cookies.length, 0)
      assert.deepEqual(unknown.response.cookies, [])
    })

    test('a malformed login body is a 400 with a stable code', async (t) => {
      const fastify = await buildApp(t)
      const bodies = [
        { payload: { username: 'alice' } },
        { payload: { username: 'alice', password: 42 } },
        { payload: { username: 'alice', password: 'x', extra: true } },
        { payload: '{"username": "alice", ', headers: { 'content-type': 'application/json' } },
        { payload: '', headers: { 'content-type': 'application/json' } },
      ]
      for (const body of bodies) {
        const response = await fastify.inject({ method: 'POST', url: `/api/${strategy}/login`, ...body })
        assert.equal(response.statusCode, 400, JSON.stringify(body))
        const error = response.json()
        assert.equal(error.code, 'BAD_REQUEST')
        assert.deepEqual(Object.keys(error).sort(), ['code', 'error', 'message', 'statusCode'])
        assert.doesNotMatch(error.message, /must|JSON at position|Unexpected|FST_/)
      }
    })

    test('/me answers with exactly the contract\'s round trips', async (t) => {
      const fastify = await buildApp(t)
      const { credential } = await login(fastify, strategy)
      for (let i = 0; i < 3; i++) {
        const me = await call(fastify, 'GET', `/api/${strategy}/me`, credential)
        assert.equal(me.statusCode, 200)
        assert.equal(me.json().user.username, 'alice')
        assert.deepEqual(roundTrips(me), ROUND_TRIPS_PER_ME[strategy])
        assert.match(me.headers['server-timing'] as string, /auth;dur=[\d.]+, total;dur=[\d.]+$/)
      }
    })

    test('/admin: 200 for admin, 403 for alice, 401 without a credential', async (t) => {
      const fastify = await buildApp(t)
      const admin = await login(fastify, strategy, ADMIN)
      const alice = await login(fastify, strategy, ALICE)
      assert.equal((await call(fastify, 'GET', `/api/${strategy}/admin`, admin.credential)).statusCode, 200)
      const forbidden = await call(fastify, 'GET', `/api/${strategy}/admin`, alice.credential)
      assert.equal(forbidden.statusCode, 403)
      assert.equal(forbidden.json().code, 'FORBIDDEN')
      const anonymous = await call(fastify, 'GET', `/api/${strategy}/admin`)
      assert.equal(anonymous.statusCode, 401)
      assert.equal(anonymous.json().code, 'AUTH_MISSING')
    })

    test(`replaying the credential captured before logout is ${REVOKED_AT_LOGOUT[strategy] ? 'rejected' : 'still accepted'}`, async (t) => {
      const fastify = await buildApp(t)
      const { credential } = await login(fastify, strategy)
      const stolen = structuredClone(credential)
      const logout = await call(fastify, 'POST', `/api/${strategy}/logout`, credential)
      assert.equal(logout.statusCode, 204)
      const cleared = logout.cookies.find((c) => c.name === CREDENTIAL_COOKIE[strategy])
      assert.ok(cleared && (cleared.maxAge === 0 || (cleared.expires as Date).getTime() <= Date.now()), 'cookie cleared')

      const replay = await call(fastify, 'GET', `/api/${strategy}/me`, stolen)
      if (REVOKED_AT_LOGOUT[strategy]) {
        assert.equal(replay.statusCode, 401)
        assert.equal(replay.json().code, strategy === 'jwt-denylist' ? 'AUTH_REVOKED' : 'AUTH_INVALID')
      } else {
        assert.equal(replay.statusCode, 200, 'a stateless token or a cached copy outlives logout until it expires')
      }
      const again = await call(fastify, 'POST', `/api/${strategy}/logout`, stolen)
      assert.equal(again.statusCode, 204, 'a second logout is harmless')
    })
  })
}

test('an unknown strategy is a 404 in the error format', async (t) => {
  const fastify = await buildApp(t)
  const response = await call(fastify, 'GET', '/api/basic-auth/me')
  assert.equal(response.statusCode, 404)
  assert.deepEqual(response.json(), { statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: 'Not found' })
})

test('passwords are stored as argon2id hashes', async (t) => {
  const fastify = await buildApp(t)
  const { rows } = await fastify.pg.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'alice'")
  assert.match(rows[0]?.password_hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
})
