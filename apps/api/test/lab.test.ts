import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { startRedisServer } from '../src/local-stores/redis.ts'
import { buildApp, call, login } from './helpers.ts'

const pause = (fastify: Awaited<ReturnType<typeof buildApp>>, payload: unknown) =>
  fastify.inject({ method: 'POST', url: '/api/lab/redis/pause', payload: payload as Record<string, unknown> })

test('the Redis pause control does not exist outside the demo profile', async (t) => {
  const fastify = await buildApp(t, { profile: 'production' })
  const response = await pause(fastify, { ms: 1000 })
  assert.equal(response.statusCode, 404)
  assert.equal(response.json().code, 'NOT_FOUND')
})

test('pausing Redis makes session fail fast with 503 while jwt keeps working, then both recover', async (t) => {
  // Its own redis-server: the shared one on 6379 serves the other suites running at the same time.
  const redis = await startRedisServer()
  t.after(redis.stop)
  const fastify = await buildApp(t, { profile: 'demo', redisUrl: redis.url })
  const session = await login(fastify, 'session')
  const jwt = await login(fastify, 'jwt')
  const denylist = await login(fastify, 'jwt-denylist')
  assert.equal((await call(fastify, 'GET', '/api/session/me', session.credential)).statusCode, 200)

  const pausedAt = Date.now()
  const paused = await pause(fastify, { ms: 2000 })
  assert.equal(paused.statusCode, 204)
  assert.ok(Date.now() - pausedAt < 500, 'the pause request itself was not paused')

  const started = Date.now()
  const duringSession = await call(fastify, 'GET', '/api/session/me', session.credential)
  assert.equal(duringSession.statusCode, 503)
  assert.equal(duringSession.json().code, 'STORE_UNAVAILABLE')
  assert.ok(Date.now() - started < 1500, `503 took ${Date.now() - started} ms`)
  const duringDenylist = await call(fastify, 'GET', '/api/jwt-denylist/me', denylist.credential)
  assert.equal(duringDenylist.statusCode, 503)
  assert.equal((await call(fastify, 'GET', '/api/jwt/me', jwt.credential)).statusCode, 200)

  const again = await pause(fastify, { ms: 1000 })
  assert.equal(again.statusCode, 429, 'a second pause while paused is refused')
  assert.equal(again.json().code, 'RATE_LIMITED')

  await sleep(Math.max(0, pausedAt + 2000 - Date.now()) + 300)
  assert.equal((await call(fastify, 'GET', '/api/session/me', session.credential)).statusCode, 200)
  assert.equal((await call(fastify, 'GET', '/api/jwt-denylist/me', denylist.credential)).statusCode, 200)
})

test('the pause length is bounded and typed', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  for (const body of [{ ms: 999 }, { ms: 10_001 }, { ms: '2000' }, { ms: 2000, extra: true }, {}]) {
    const response = await pause(fastify, body)
    assert.equal(response.statusCode, 400, JSON.stringify(body))
    assert.equal(response.json().code, 'BAD_REQUEST')
  }
})
