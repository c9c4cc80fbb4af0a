import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { backoffSeconds } from '../src/plugins/app/rate-limit.ts'
import { startRedisServer } from '../src/local-stores/redis.ts'
import { buildApp, randomClientAddress } from './helpers.ts'

/** An account of its own, so counters shared in Redis with other test files never interfere. */
async function newAccount(fastify: FastifyInstance) {
  const username = `user-${randomBytes(6).toString('hex')}`
  const password = `${randomBytes(12).toString('base64url')} long enough`
  await fastify.users.create(username, password, 'user')
  return { username, password }
}

function attempt(fastify: FastifyInstance, remoteAddress: string, username: string, password: string, headers: Record<string, string> = {}) {
  return fastify.inject({ method: 'POST', url: '/api/jwt/login', remoteAddress, headers, payload: { username, password } })
}

test('the back-off doubles after the free failures, up to 15 minutes', () => {
  assert.deepEqual([1, 10, 11, 12, 13, 20, 40].map((n) => backoffSeconds(n, 10)), [0, 0, 1, 2, 4, 512, 900])
})

test('guessing one account is slowed whatever address and forwarding headers each guess comes with', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 3 })
  const { username, password } = await newAccount(fastify)
  // Each guess from another address, with a forged X-Forwarded-For: the account's count does not care.
  for (let i = 0; i < 3; i++) {
    const response = await attempt(fastify, randomClientAddress(), username, 'wrong', { 'x-forwarded-for': randomClientAddress() })
    assert.equal(response.statusCode, 401)
  }
  const fourth = await attempt(fastify, randomClientAddress(), username, 'wrong')
  assert.equal(fourth.statusCode, 401, 'the last free failure is still checked')
  const waiting = await attempt(fastify, randomClientAddress(), username, password)
  assert.equal(waiting.statusCode, 429, 'during the back-off even the right password waits: the answer would tell the guesser')
  assert.equal(waiting.json().code, 'RATE_LIMITED')
  assert.equal(waiting.headers['retry-after'], '1')
  await sleep(1100)
  assert.equal((await attempt(fastify, randomClientAddress(), username, 'wrong')).statusCode, 401, 'one try after the wait')
  const longer = await attempt(fastify, randomClientAddress(), username, password)
  assert.equal(longer.statusCode, 429)
  assert.equal(longer.headers['retry-after'], '2', 'each further failure doubles the wait')
  await sleep(2100)
  assert.equal((await attempt(fastify, randomClientAddress(), username, password)).statusCode, 200, 'the owner gets in after the wait')
})

test('a successful login starts the count afresh, so a room that mistypes now and then never waits', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 3 })
  const { username, password } = await newAccount(fastify)
  const room = randomClientAddress()
  for (let round = 0; round < 10; round++) {
    for (let typo = 0; typo < 2; typo++) assert.equal((await attempt(fastify, room, username, 'typo')).statusCode, 401)
    assert.equal((await attempt(fastify, room, username, password)).statusCode, 200, `round ${round}`)
  }
})

test('a password change with a wrong current password counts as a failed guess of that account', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 2 })
  const { username, password } = await newAccount(fastify)
  const client = randomClientAddress()
  const login = await attempt(fastify, client, username, password)
  const authorization = `Bearer ${login.json().accessToken as string}`
  const change = () =>
    fastify.inject({ method: 'POST', url: '/api/jwt/password', remoteAddress: client, headers: { authorization }, payload: { currentPassword: 'guess', newPassword: 'a new and long passphrase' } })
  assert.equal((await change()).statusCode, 401)
  assert.equal((await change()).statusCode, 401)
  assert.equal((await change()).statusCode, 401)
  const blocked = await change()
  assert.equal(blocked.statusCode, 429)
  assert.equal(blocked.json().code, 'RATE_LIMITED')
})

test('one client address may send CLIENT_RATE_LIMIT login and refresh requests a minute; another address is not affected', async (t) => {
  const fastify = await buildApp(t, { clientRateLimit: 5 })
  const { username, password } = await newAccount(fastify)
  const flooder = randomClientAddress()
  const statuses = []
  for (let i = 0; i < 3; i++) statuses.push((await attempt(fastify, flooder, username, password)).statusCode)
  for (let i = 0; i < 3; i++) {
    statuses.push((await fastify.inject({ method: 'POST', url: '/api/jwt/refresh', remoteAddress: flooder, cookies: { rt: 'x'.repeat(43) } })).statusCode)
  }
  assert.deepEqual(statuses, [200, 200, 200, 401, 401, 429])
  assert.equal((await attempt(fastify, randomClientAddress(), username, password)).statusCode, 200)
})

test('X-Forwarded-For is believed only from a trusted proxy: a client cannot pick its own address', async (t) => {
  const fastify = await buildApp(t, { clientRateLimit: 2 })
  const { username, password } = await newAccount(fastify)
  const outsider = randomClientAddress() // not loopback: not a trusted proxy
  const statuses = []
  for (let i = 0; i < 3; i++) statuses.push((await attempt(fastify, outsider, username, password, { 'x-forwarded-for': randomClientAddress() })).statusCode)
  assert.deepEqual(statuses, [200, 200, 429], 'a forged header does not make a new client')
  // Through the lab's own proxy (loopback) the header names the real client, each a count of its own.
  for (let i = 0; i < 3; i++) {
    const response = await attempt(fastify, '127.0.0.1', username, password, { 'x-forwarded-for': randomClientAddress() })
    assert.equal(response.statusCode, 200)
  }
})

test('credential stuffing: one address failing across many accounts is stopped after LOGIN_RATE_LIMIT × 20 failures', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 1 })
  const stuffer = randomClientAddress()
  const statuses = []
  for (let i = 0; i < 21; i++) statuses.push((await attempt(fastify, stuffer, `nobody-${randomBytes(4).toString('hex')}`, 'guess')).statusCode)
  assert.deepEqual(statuses, [...Array(20).fill(401), 429])
})

test('with Redis gone, logins that need no Redis still work and the limits still hold, counted in memory', async (t) => {
  const redis = await startRedisServer()
  const fastify = await buildApp(t, { redisUrl: redis.url, loginRateLimit: 2 })
  const { username, password } = await newAccount(fastify)
  await redis.stop()
  const client = randomClientAddress()
  const started = performance.now()
  assert.equal((await attempt(fastify, client, username, password)).statusCode, 200, 'jwt login needs no Redis')
  t.diagnostic(`jwt login with Redis down: ${(performance.now() - started).toFixed(0)} ms`)
  for (let i = 0; i < 3; i++) assert.equal((await attempt(fastify, client, username, 'wrong')).statusCode, 401)
  assert.equal((await attempt(fastify, client, username, password)).statusCode, 429, 'guessing is still slowed')
  const health = await fastify.inject({ method: 'GET', url: '/api/health' })
  assert.deepEqual(health.json(), { status: 'degraded', redis: 'down', postgres: 'up' }, 'and the process is alive')
})

test('a login shows the rate limiter’s round trips in Server-Timing, a pipelined MULTI … EXEC counted as the one round trip it is', async (t) => {
  const fastify = await buildApp(t)
  const { username, password } = await newAccount(fastify)
  const response = await attempt(fastify, randomClientAddress(), username, password)
  const timing = String(response.headers['server-timing'])
  const redis = [...timing.matchAll(/redis;dur=[\d.]+;desc="([^"]+)"/g)].map((match) => match[1])
  assert.ok(redis.includes('MULTI GET PTTL EXEC'), timing)
  assert.ok(redis.includes('EVALSHA'), timing)
  assert.ok(!redis.some((command) => ['MULTI', 'PTTL', 'EXEC'].includes(command as string)), `no command of a pipeline counted alone: ${timing}`)
})

test('an attacker cannot lock an account’s owner out: a browser that logged in before is held only by its own failures (device cookies)', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 3 })
  const { username, password } = await newAccount(fastify)
  const owner = await attempt(fastify, randomClientAddress(), username, password)
  const device = owner.cookies.find((cookie) => cookie.name.startsWith('device_'))
  assert.ok(device, 'a successful login makes this browser one of the account’s devices')
  assert.deepEqual([device.httpOnly, device.sameSite, device.path], [true, 'Strict', '/api'])
  const fromDevice = (pw: string) => attempt(fastify, randomClientAddress(), username, pw, { cookie: `${device.name}=${device.value}` })
  // Someone else fails until the account waits.
  for (let i = 0; i < 6; i++) await attempt(fastify, randomClientAddress(), username, `guess-${i}`)
  assert.equal((await attempt(fastify, randomClientAddress(), username, password)).statusCode, 429, 'a stranger waits, right password or not')
  assert.equal((await fromDevice(password)).statusCode, 200, 'the owner’s browser gets in')
  // The attacker goes on; the owner's own mistakes while the account waits hold that browser alone.
  for (let i = 0; i < 6; i++) await attempt(fastify, randomClientAddress(), username, `more-${i}`)
  for (let i = 0; i < 4; i++) assert.equal((await fromDevice(`typo-${i}`)).statusCode, 401, `typo ${i} is checked`)
  assert.equal((await fromDevice(password)).statusCode, 429, 'a device that fails is slowed like any client')
  const forged = await attempt(fastify, randomClientAddress(), username, password, { cookie: `${device.name}=${device.value.slice(0, -2)}xx` })
  assert.equal(forged.statusCode, 429, 'a forged device cookie is no device')
})
