import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { hash } from '@node-rs/argon2'
import { buildApp, call, headersFor, login, refresh, type Credential } from './helpers.ts'

const change = (fastify: Awaited<ReturnType<typeof buildApp>>, url: string, credential: Credential, payload: object) =>
  fastify.inject({ method: 'POST', url, headers: headersFor(credential, 'POST', url), payload })

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

test('password rules as NIST and ASVS 6.2 want them: 12 characters at least, no composition rules, up to 256, checked exactly as typed', async (t) => {
  const fastify = await buildApp(t)
  const user = { username: `rules-${randomUUID()}`, password: 'the first long passphrase' }
  await fastify.users.create(user.username, user.password, 'user')
  const session = (await login(fastify, 'session', user)).credential
  const tryChange = async (newPassword: string) => {
    const response = await change(fastify, '/api/session/password', session, { currentPassword: user.password, newPassword })
    return { status: response.statusCode, code: response.statusCode === 204 ? null : response.json().code }
  }
  // 6.2.1: a strong but short password is refused for its length alone.
  assert.deepEqual(await tryChange('Zq8!fR2@wK9'), { status: 400, code: 'BAD_REQUEST' })
  // 6.2.5: no composition rules: lowercase words are fine.
  const words = 'orange kettle migrates slowly'
  assert.deepEqual(await tryChange(words), { status: 204, code: null })
  user.password = words
  // 6.2.8: checked exactly as typed: no case folding, no trimming.
  for (const nearMiss of [words.toUpperCase(), `${words} `, words.slice(0, -1)]) {
    assert.equal((await login(fastify, 'jwt', { username: user.username, password: nearMiss })).response.statusCode, 401, JSON.stringify(nearMiss))
  }
  // 6.2.9: at least 64 characters allowed (here 256, the limit); beyond it a clear 400.
  const fresh = (await login(fastify, 'session', user)).credential
  const long = Array.from({ length: 48 }, (_, i) => `w${i}rd${'xyzq'[i % 4]}`).join(' ').slice(0, 256)
  assert.equal(long.length, 256)
  const changed = await change(fastify, '/api/session/password', fresh, { currentPassword: user.password, newPassword: long })
  assert.equal(changed.statusCode, 204, changed.body)
  assert.equal((await login(fastify, 'jwt', { username: user.username, password: long })).response.statusCode, 200, 'a 256-character password works, untruncated')
  assert.equal((await login(fastify, 'jwt', { username: user.username, password: long.slice(0, 200) })).response.statusCode, 401, 'and is not truncated')
  const tooLong = await change(fastify, '/api/session/password', (await login(fastify, 'session', { username: user.username, password: long })).credential, { currentPassword: long, newPassword: `${long}q` })
  assert.deepEqual([tooLong.statusCode, tooLong.json().code], [400, 'BAD_REQUEST'], 'one character past the limit, refused for its length (not as guessable)')
})

test('the lab’s context words are refused in passwords even where they would pass as ordinary words (ASVS 6.2.11)', async (t) => {
  const fastify = await buildApp(t)
  const user = { username: `context-${randomUUID()}`, password: 'the first long passphrase' }
  await fastify.users.create(user.username, user.password, 'user')
  const session = (await login(fastify, 'session', user)).credential
  const response = await change(fastify, '/api/session/password', session, { currentPassword: user.password, newPassword: 'sessionvsjwtlab' })
  assert.equal(response.statusCode, 400)
  assert.equal(response.json().code, 'WEAK_PASSWORD')
})
