import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { ALICE, buildApp, call, headersFor, login, refresh } from './helpers.ts'

interface LogLine {
  level: number
  event?: string
  [field: string]: unknown
}

test('authentication events are their own log lines, with account, strategy and client address, and no credential ever reaches a log', async (t) => {
  const logs: string[] = []
  const fastify = await buildApp(t, { logLevel: 'info', refreshReuseGrace: 0 }, logs)
  const remoteAddress = '10.20.30.40'
  const stranger = `nobody-${randomUUID()}`
  await fastify.inject({ method: 'POST', url: '/api/jwt/login', remoteAddress, payload: { username: stranger, password: 'secret-guess-123' } })
  const { credential } = await login(fastify, 'jwt')
  const stolen = structuredClone(credential)
  await refresh(fastify, 'jwt', credential)
  await refresh(fastify, 'jwt', stolen)
  const session = (await login(fastify, 'session')).credential
  await fastify.inject({ method: 'POST', url: '/api/session/password', headers: headersFor(session), payload: { currentPassword: 'not-it', newPassword: 'a long new passphrase here' } })
  await call(fastify, 'POST', '/api/session/logout', session)

  const lines = logs.map((line) => JSON.parse(line) as LogLine)
  const event = (name: string) => lines.find((line) => line.event === name)
  assert.deepEqual(
    { username: event('login.failure')?.username, strategy: event('login.failure')?.strategy, ip: event('login.failure')?.ip },
    { username: stranger, strategy: 'jwt', ip: remoteAddress },
  )
  assert.equal(event('login.success')?.username, ALICE.username)
  assert.ok(event('login.success')?.userId)
  assert.ok(event('refresh.reuse')?.familyId, 'a reused refresh token is an event of its own')
  assert.equal(event('reauthentication.failure')?.username, ALICE.username, 'a wrong current password is logged')
  assert.equal(event('logout')?.strategy, 'session')
  assert.ok(lines.every((line) => typeof line.level === 'number' && typeof line.time === 'number'), 'every line has a level and a time')
  const requestLines = lines.filter((line) => line.event !== undefined || line.url !== undefined)
  assert.ok(requestLines.length > 0 && requestLines.every((line) => typeof line.reqId === 'string'), 'every line about a request names it (reqId)')
  const logoutLine = event('logout') as LogLine
  assert.equal(lines.filter((line) => line.reqId === logoutLine.reqId).length, 2, 'the logout event and its request line share one request id')

  // Not one secret in any line: passwords, tokens, cookies.
  const everything = logs.join('\n')
  for (const secret of [ALICE.password, 'secret-guess-123', 'not-it', 'a long new passphrase here', credential.accessToken, credential.cookies.rt, ...Object.values(session.cookies)]) {
    assert.ok(!everything.includes(secret as string), `a credential reached the log: ${String(secret).slice(0, 12)}…`)
  }
})

test('the redaction rule: whatever a future log line carries, authorization, cookies and passwords come out as [redacted]', async (t) => {
  const logs: string[] = []
  const fastify = await buildApp(t, { logLevel: 'info' }, logs)
  fastify.log.info(
    { req: { headers: { authorization: 'Bearer the-token', cookie: 'sid=the-cookie' } }, res: { headers: { 'set-cookie': 'sid=set' } }, body: { password: 'pw1', currentPassword: 'pw2', newPassword: 'pw3', accessToken: 'at' } },
    'a line with everything in it',
  )
  const line = logs.find((entry) => entry.includes('a line with everything in it')) as string
  for (const secret of ['the-token', 'the-cookie', 'sid=set', 'pw1', 'pw2', 'pw3', '"at"']) assert.ok(!line.includes(secret), secret)
  // Fastify's serializers reduce req and res to method, url and status; the rule covers the fields they would not.
  assert.equal(line.match(/\[redacted\]/g)?.length, 4)
})

test('logout asks the browser to drop what it cached of the login (Clear-Site-Data), and nothing the API answers is cached', async (t) => {
  const fastify = await buildApp(t)
  const { credential, response } = await login(fastify, 'session')
  assert.equal(response.headers['cache-control'], 'no-store')
  const logout = await call(fastify, 'POST', '/api/session/logout', credential)
  assert.equal(logout.headers['clear-site-data'], '"cache"')
  assert.equal(logout.headers['cache-control'], 'no-store')
})
