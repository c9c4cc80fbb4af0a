import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { STRATEGIES, type LoginInfo, type StrategyName } from '@lab/contracts'
import { startPostgresServer } from '../src/local-stores/postgres-server.ts'
import { startRedisServer } from '../src/local-stores/redis.ts'
import { ADMIN, buildApp, call, headersFor, login, newCredential, refresh, type Credential } from './helpers.ts'

/** After one of several logins is ended by its user, what its credential still opens at once. */
const ENDED_LOGIN_STILL_OPENS_ME: Record<StrategyName, boolean> = {
  session: false,
  'session-pg': false,
  // its cached copy, until SESSION_CACHE_TTL; then the store says no
  'session-cached': true,
  // its access token, until exp; the refresh family is dead
  jwt: true,
  'jwt-denylist': false,
  'jwt-cookie': true,
  // its access token too, in the hands of the device that holds the key
  'jwt-dpop': true,
}

async function newUser(fastify: FastifyInstance) {
  const user = { username: `dev-${randomUUID()}`, password: 'three separate words here' }
  await fastify.users.create(user.username, user.password, 'user')
  return user
}

function loginFrom(fastify: FastifyInstance, strategy: StrategyName, user: { username: string; password: string }, userAgent: string) {
  const credential = newCredential(strategy)
  const url = `/api/${strategy}/login`
  return fastify
    .inject({ method: 'POST', url, headers: { 'user-agent': userAgent, ...headersFor(credential, 'POST', url) }, payload: user })
    .then((response) => {
      for (const cookie of response.cookies) credential.cookies[cookie.name] = cookie.value
      const token = response.json<{ accessToken?: string }>().accessToken
      if (token) credential.accessToken = token
      return credential
    })
}

const list = async (fastify: FastifyInstance, strategy: StrategyName, credential: Credential) => {
  const response = await call(fastify, 'GET', `/api/${strategy}/sessions`, credential)
  assert.equal(response.statusCode, 200, response.body)
  return response.json<{ sessions: LoginInfo[] }>().sessions
}

for (const strategy of STRATEGIES) {
  describe(`devices of ${strategy}`, () => {
    test('lists the user’s logins with their browser, marks this one, and shows no credential', async (t) => {
      const fastify = await buildApp(t)
      const user = await newUser(fastify)
      const laptop = await loginFrom(fastify, strategy, user, 'Laptop Browser')
      await loginFrom(fastify, strategy, user, 'Phone Browser')
      const sessions = await list(fastify, strategy, laptop)
      assert.deepEqual(sessions.map((s) => s.userAgent), ['Laptop Browser', 'Phone Browser'])
      assert.deepEqual(sessions.map((s) => s.current), [true, false])
      for (const session of sessions) {
        assert.ok(!Number.isNaN(Date.parse(session.createdAt)) && !Number.isNaN(Date.parse(session.lastSeenAt)))
        assert.ok(!Object.values(laptop.cookies).some((value) => value.includes(session.id)), 'an id is not a credential')
      }
      const someoneElse = await login(fastify, strategy)
      assert.ok((await list(fastify, strategy, someoneElse.credential)).every((s) => !sessions.some((mine) => mine.id === s.id)), 'only one’s own')
    })

    test(`ending another login: ${ENDED_LOGIN_STILL_OPENS_ME[strategy] ? 'its short-lived credential lives on until it expires' : 'its credential is refused at once'}; the rest stay`, async (t) => {
      const fastify = await buildApp(t)
      const user = await newUser(fastify)
      const laptop = await loginFrom(fastify, strategy, user, 'Laptop Browser')
      const phone = await loginFrom(fastify, strategy, user, 'Phone Browser')
      const target = (await list(fastify, strategy, laptop)).find((s) => s.userAgent === 'Phone Browser') as LoginInfo
      const ended = await fastify.inject({ method: 'DELETE', url: `/api/${strategy}/sessions/${target.id}`, headers: headersFor(laptop, 'DELETE', `/api/${strategy}/sessions/${target.id}`) })
      assert.equal(ended.statusCode, 204, ended.body)
      assert.deepEqual((await list(fastify, strategy, laptop)).map((s) => s.userAgent), ['Laptop Browser'])
      const phoneMe = await call(fastify, 'GET', `/api/${strategy}/me`, phone)
      assert.equal(phoneMe.statusCode, ENDED_LOGIN_STILL_OPENS_ME[strategy] ? 200 : 401)
      if (strategy.startsWith('jwt')) assert.equal((await refresh(fastify, strategy, phone)).statusCode, 401, 'its refresh family is dead')
      assert.equal((await call(fastify, 'GET', `/api/${strategy}/me`, laptop)).statusCode, 200)
      const again = await fastify.inject({ method: 'DELETE', url: `/api/${strategy}/sessions/${target.id}`, headers: headersFor(laptop, 'DELETE', `/api/${strategy}/sessions/${target.id}`) })
      assert.equal(again.statusCode, 404)
      const garbage = await fastify.inject({ method: 'DELETE', url: `/api/${strategy}/sessions/not-a-login`, headers: headersFor(laptop, 'DELETE', `/api/${strategy}/sessions/not-a-login`) })
      assert.equal(garbage.statusCode, 404)
    })

    test('logout-all ends every login of the user under this strategy, this one included', async (t) => {
      const fastify = await buildApp(t)
      const user = await newUser(fastify)
      const laptop = await loginFrom(fastify, strategy, user, 'Laptop Browser')
      const phone = await loginFrom(fastify, strategy, user, 'Phone Browser')
      assert.equal((await call(fastify, 'POST', `/api/${strategy}/logout-all`, laptop)).statusCode, 204)
      if (!ENDED_LOGIN_STILL_OPENS_ME[strategy]) {
        for (const credential of [laptop, phone]) assert.equal((await call(fastify, 'GET', `/api/${strategy}/me`, credential)).statusCode, 401)
      }
      if (strategy.startsWith('jwt')) {
        for (const credential of [laptop, phone]) assert.equal((await refresh(fastify, strategy, credential)).statusCode, 401)
      }
      const fresh = await loginFrom(fastify, strategy, user, 'Laptop Browser')
      assert.deepEqual((await list(fastify, strategy, fresh)).length, 1)
    })
  })
}

test('an admin ends every login of a user under every strategy; a user cannot', async (t) => {
  const fastify = await buildApp(t)
  const user = await newUser(fastify)
  const logins = Object.fromEntries(await Promise.all(STRATEGIES.map(async (s) => [s, await loginFrom(fastify, s, user, 'Victim Browser')] as const)))
  const admin = (await login(fastify, 'session', ADMIN)).credential
  const byUser = await fastify.inject({ method: 'DELETE', url: `/api/session/users/${user.username}/sessions`, headers: headersFor(logins.session) })
  assert.equal(byUser.statusCode, 403)
  const byAdmin = await fastify.inject({ method: 'DELETE', url: `/api/session/users/${user.username}/sessions`, headers: headersFor(admin, 'DELETE', `/api/session/users/${user.username}/sessions`) })
  assert.equal(byAdmin.statusCode, 204)
  for (const strategy of ['session', 'session-pg', 'jwt-denylist'] as const) {
    assert.equal((await call(fastify, 'GET', `/api/${strategy}/me`, logins[strategy])).statusCode, 401, strategy)
  }
  for (const strategy of ['jwt', 'jwt-denylist', 'jwt-cookie'] as const) assert.equal((await refresh(fastify, strategy, logins[strategy] as Credential)).statusCode, 401, strategy)
  const unknown = await fastify.inject({ method: 'DELETE', url: `/api/session/users/nobody-${randomUUID()}/sessions`, headers: headersFor(admin, 'DELETE', `/api/session/users/nobody-${randomUUID()}/sessions`) })
  assert.equal(unknown.statusCode, 404)
})

test('ending other logins from a login older than five minutes needs the password again (ASVS 7.5.2)', async (t) => {
  const fastify = await buildApp(t)
  for (const strategy of ['session-pg', 'jwt'] as const) {
    const user = await newUser(fastify)
    const laptop = await loginFrom(fastify, strategy, user, 'Laptop Browser')
    const phone = await loginFrom(fastify, strategy, user, 'Phone Browser')
    // The laptop's login happened ten minutes ago.
    if (strategy === 'session-pg') {
      await fastify.pg.query(
        "UPDATE sessions SET data = jsonb_set(data, '{createdAt}', to_jsonb((extract(epoch FROM now()) * 1000 - 600000)::bigint)) WHERE data->>'userAgent' = 'Laptop Browser' AND data->'user'->>'username' = $1",
        [user.username],
      )
    } else {
      await fastify.pg.query(
        "UPDATE refresh_tokens SET created_at = now() - interval '10 minutes' WHERE user_agent = 'Laptop Browser' AND user_id = (SELECT id FROM users WHERE username = $1)",
        [user.username],
      )
    }
    const phoneId = (await list(fastify, strategy, laptop)).find((s) => s.userAgent === 'Phone Browser')?.id as string
    const end = (payload?: object) =>
      fastify.inject({ method: 'DELETE', url: `/api/${strategy}/sessions/${phoneId}`, headers: headersFor(laptop, 'DELETE', `/api/${strategy}/sessions/${phoneId}`), ...(payload ? { payload } : {}) })
    const bare = await end()
    assert.equal(bare.statusCode, 401, `${strategy}: ${bare.body}`)
    assert.equal(bare.json().code, 'REAUTHENTICATION_REQUIRED')
    const wrong = await end({ password: 'not it' })
    assert.equal(wrong.json().code, 'INVALID_CREDENTIALS')
    assert.equal((await end({ password: user.password })).statusCode, 204, `${strategy}: with the password again`)
    assert.equal((await call(fastify, 'POST', `/api/${strategy}/logout-all`, laptop)).json().code, 'REAUTHENTICATION_REQUIRED')
    assert.equal((await call(fastify, 'GET', `/api/${strategy}/me`, phone)).statusCode, strategy === 'jwt' ? 200 : 401)
  }
})

test('an admin ends every login of every user under every strategy, after authenticating again (ASVS 7.4.5)', async (t) => {
  // Stores of its own: this ends every login there is, other test files' included.
  const postgres = await startPostgresServer()
  t.after(() => postgres.stop())
  const redis = await startRedisServer()
  t.after(() => redis.stop())
  const fastify = await buildApp(t, { databaseUrl: postgres.url, redisUrl: redis.url })
  const users = [await newUser(fastify), await newUser(fastify)]
  const logins = await Promise.all(users.flatMap((user) => STRATEGIES.map(async (strategy) => ({ strategy, credential: await loginFrom(fastify, strategy, user, 'Browser') }))))
  const alice = (await login(fastify, 'session')).credential
  assert.equal((await call(fastify, 'POST', '/api/session/users/logout-everyone', alice)).statusCode, 403, 'not for a user')
  const admin = (await login(fastify, 'jwt-denylist', ADMIN)).credential
  assert.equal((await call(fastify, 'POST', '/api/jwt-denylist/users/logout-everyone', admin)).statusCode, 204)
  for (const { strategy, credential } of logins) {
    if (['session', 'session-pg', 'jwt-denylist'].includes(strategy)) {
      assert.equal((await call(fastify, 'GET', `/api/${strategy}/me`, credential)).statusCode, 401, `${strategy} /me`)
    }
    if (strategy.startsWith('jwt')) assert.equal((await refresh(fastify, strategy, credential)).statusCode, 401, `${strategy} refresh`)
  }
  assert.equal((await call(fastify, 'GET', '/api/jwt-denylist/me', admin)).statusCode, 401, 'the admin’s own login too')
  assert.equal((await login(fastify, 'jwt-denylist', ADMIN)).response.statusCode, 200, 'new logins work at once')
  // Tokens carry whole seconds: one issued in the very second of the cut-off is refused too.
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000)))
  const fresh = (await login(fastify, 'jwt-denylist')).credential
  assert.equal((await call(fastify, 'GET', '/api/jwt-denylist/me', fresh)).statusCode, 200, 'tokens issued after it are not refused')
})
