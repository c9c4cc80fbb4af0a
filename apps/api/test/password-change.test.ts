import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { hash } from '@node-rs/argon2'
import { buildApp, call, headersFor, login, refresh, type Credential } from './helpers.ts'

const change = (fastify: Awaited<ReturnType<typeof buildApp>>, url: string, credential: Credential, payload: object) =>
  fastify.inject({ method: 'POST', url, headers: headersFor(credential), payload })

test('a password change ends every login of the user that each strategy can end, and only theirs', async (t) => {
  const fastify = await buildApp(t)
  // A user of this test's own: the demo users' passwords are shared by every test file.
  const user = { username: `pw-${randomUUID()}`, password: 'old-password-0001' }
  await fastify.users.create(user.username, user.password, 'user')
  const other = await login(fastify, 'session')

  const session = await login(fastify, 'session', user)
  const sessionElsewhere = await login(fastify, 'session', user)
  const sessionPg = await login(fastify, 'session-pg', user)
  const jwt = await login(fastify, 'jwt', user)
  const denylist = await login(fastify, 'jwt-denylist', user)

  const wrong = await change(fastify, '/api/session/password', session.credential, { currentPassword: 'nope', newPassword: 'new-password-0002' })
  assert.equal(wrong.statusCode, 401)
  assert.equal(wrong.json().code, 'INVALID_CREDENTIALS')
  const short = await change(fastify, '/api/session/password', session.credential, { currentPassword: user.password, newPassword: 'short' })
  assert.equal(short.statusCode, 400)
  // Common passwords, the user's name, a season and a year: long enough, still among the first guesses.
  for (const newPassword of ['password1234', `${user.username}2026`, 'Summer2026!!', 'alice-password', 'qwertyuiop123']) {
    const weak = await change(fastify, '/api/session/password', session.credential, { currentPassword: user.password, newPassword })
    assert.equal(weak.statusCode, 400, newPassword)
    assert.equal(weak.json().code, 'WEAK_PASSWORD', newPassword)
  }
  assert.equal((await call(fastify, 'GET', '/api/session/me', sessionElsewhere.credential)).statusCode, 200, 'refused changes end nothing')

  const changed = await change(fastify, '/api/session/password', session.credential, { currentPassword: user.password, newPassword: 'new-password-0002' })
  assert.equal(changed.statusCode, 204, changed.body)

  for (const [label, url, credential, code] of [
    ['the session that changed it', '/api/session/me', session.credential, 'AUTH_INVALID'],
    ['another session of the user', '/api/session/me', sessionElsewhere.credential, 'AUTH_INVALID'],
    ['a session-pg session', '/api/session-pg/me', sessionPg.credential, 'AUTH_INVALID'],
    ['a jwt-denylist access token', '/api/jwt-denylist/me', denylist.credential, 'AUTH_REVOKED'],
  ] as const) {
    const response = await call(fastify, 'GET', url, credential)
    assert.equal(response.statusCode, 401, label)
    assert.equal(response.json().code, code, label)
  }
  // The lesson: a stateless access token outlives the password change until its exp; its refresh does not.
  assert.equal((await call(fastify, 'GET', '/api/jwt/me', jwt.credential)).statusCode, 200)
  assert.equal((await refresh(fastify, 'jwt', jwt.credential)).statusCode, 401)
  assert.equal((await refresh(fastify, 'jwt-denylist', denylist.credential)).statusCode, 401)

  assert.equal((await login(fastify, 'session', user)).response.statusCode, 401, 'the old password no longer logs in')
  const fresh = await login(fastify, 'jwt-denylist', { ...user, password: 'new-password-0002' })
  assert.equal(fresh.response.statusCode, 200)
  assert.equal((await call(fastify, 'GET', '/api/jwt-denylist/me', fresh.credential)).statusCode, 200, 'a login after the change works at once')
  assert.equal((await call(fastify, 'GET', '/api/session/me', other.credential)).statusCode, 200, "another user's session is untouched")
})

test('changing a password needs the credential of the strategy and the current password', async (t) => {
  const fastify = await buildApp(t)
  const anonymous = await fastify.inject({ method: 'POST', url: '/api/jwt/password', payload: { currentPassword: 'x', newPassword: 'new-password-0002' } })
  assert.equal(anonymous.statusCode, 401)
  assert.equal(anonymous.json().code, 'AUTH_MISSING')
  const crossSite = await fastify.inject({
    method: 'POST',
    url: '/api/session/password',
    headers: { origin: 'https://evil.example' },
    payload: { currentPassword: 'x', newPassword: 'new-password-0002' },
  })
  assert.equal(crossSite.statusCode, 403)
})

test('a hash made with older, weaker argon2 parameters is upgraded at the next successful login (crypto agility)', async (t) => {
  const fastify = await buildApp(t)
  const user = { username: `old-hash-${randomUUID()}`, password: 'an old and long passphrase' }
  const weak = await hash(user.password, { memoryCost: 4096, timeCost: 1, parallelism: 1 })
  await fastify.pg.query("INSERT INTO users (username, password_hash, role) VALUES ($1, $2, 'user')", [user.username, weak])
  assert.equal((await login(fastify, 'jwt', user)).response.statusCode, 200)
  const { rows } = await fastify.pg.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE username = $1', [user.username])
  assert.match(rows[0]?.password_hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  assert.equal((await login(fastify, 'jwt', user)).response.statusCode, 200, 'and the upgraded hash still verifies')
})
