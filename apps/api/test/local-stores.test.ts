import assert from 'node:assert/strict'
import { test } from 'node:test'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { STRATEGIES } from '@lab/contracts'
import { EMBEDDED_POSTGRES_TIMEOUT, startEmbeddedPostgres } from '../src/local-stores/postgres.ts'
import { startRedisServer } from '../src/local-stores/redis.ts'
import { buildApp, call, login, roundTrips } from './helpers.ts'

test('without DATABASE_URL the API runs on the embedded Postgres, one pg round trip per session-pg /me', async (t) => {
  const postgres = await startEmbeddedPostgres()
  t.after(() => postgres.stop())
  const fastify = await buildApp(t, { databaseUrl: postgres.url, postgresPoolMax: 1, postgresTimeout: EMBEDDED_POSTGRES_TIMEOUT })

  const { response, credential } = await login(fastify, 'session-pg')
  assert.equal(response.statusCode, 200, response.body)
  const me = await call(fastify, 'GET', '/api/session-pg/me', credential)
  assert.equal(me.statusCode, 200)
  assert.deepEqual(roundTrips(me), { redis: 0, pg: 1 })

  const jwt = await login(fastify, 'jwt')
  const refreshed = await fastify.inject({ method: 'POST', url: '/api/jwt/refresh', cookies: { rt: jwt.credential.cookies.rt as string } })
  assert.equal(refreshed.statusCode, 200, 'refresh rotation runs on PGlite too')

  await postgres.stop()
  const started = performance.now()
  const down = await call(fastify, 'GET', '/api/session-pg/me', credential)
  assert.equal(down.statusCode, 503)
  assert.equal(down.json().code, 'STORE_UNAVAILABLE')
  assert.ok(performance.now() - started < 1500, 'a dead Postgres is a fast 503, not a hang')
})

test('left idle longer than every pool timeout, the embedded Postgres still logs everyone in, and two API processes share it', async (t) => {
  const postgres = await startEmbeddedPostgres()
  t.after(() => postgres.stop())
  // A one-second idle timeout stands for the default thirty: the pool drops its idle connection and opens a new one.
  const fastify = await buildApp(t, { databaseUrl: postgres.url, postgresPoolMax: 1, postgresIdleTimeout: 1 })
  const before = await Promise.all(STRATEGIES.map((strategy) => login(fastify, strategy)))
  assert.deepEqual(before.map((r) => r.response.statusCode), STRATEGIES.map(() => 200))
  await sleep(1500)
  for (const strategy of STRATEGIES) {
    const { response } = await login(fastify, strategy)
    assert.equal(response.statusCode, 200, `${strategy} login after the idle period: ${response.body}`)
  }
  const sessionPg = before[STRATEGIES.indexOf('session-pg')]?.credential
  assert.equal((await call(fastify, 'GET', '/api/session-pg/me', sessionPg)).statusCode, 200)
  // A second replica on the same embedded Postgres (pnpm demo --replicas 2 without DATABASE_URL).
  const second = await buildApp(t, { databaseUrl: postgres.url, postgresPoolMax: 1 })
  for (const app of [fastify, second]) assert.equal((await login(app, 'session-pg')).response.statusCode, 200)
})

test('on the embedded Postgres, a request queued 1.3 s behind a slow query (a busy machine) is answered, not called an outage', async (t) => {
  const postgres = await startEmbeddedPostgres()
  t.after(() => postgres.stop())
  const fastify = await buildApp(t, { databaseUrl: postgres.url, postgresPoolMax: 1, postgresTimeout: EMBEDDED_POSTGRES_TIMEOUT })
  const { credential } = await login(fastify, 'session-pg')
  // PGlite runs in this process: its sleep holds the event loop, as a starved CPU would, and its one connection.
  const slow = fastify.pg.query('SELECT pg_sleep(1.3)')
  const [me, health] = await Promise.all([call(fastify, 'GET', '/api/session-pg/me', credential), call(fastify, 'GET', '/api/health'), slow])
  assert.equal(me.statusCode, 200, me.body)
  assert.equal(health.statusCode, 200, health.body)
})

test('while Redis is down, session and jwt-denylist answer 503 fast and jwt keeps serving; all recover', async (t) => {
  const redis = await startRedisServer()
  t.after(() => redis.stop())
  const fastify = await buildApp(t, { redisUrl: redis.url })
  const session = await login(fastify, 'session')
  const denylist = await login(fastify, 'jwt-denylist')
  const jwt = await login(fastify, 'jwt')
  assert.equal((await call(fastify, 'GET', '/api/session/me', session.credential)).statusCode, 200)

  await redis.stop()
  for (const [url, credential] of [
    ['/api/session/me', session.credential],
    ['/api/jwt-denylist/me', denylist.credential],
  ] as const) {
    const started = performance.now()
    const response = await call(fastify, 'GET', url, credential)
    const elapsed = performance.now() - started
    assert.equal(response.statusCode, 503, url)
    assert.equal(response.json().code, 'STORE_UNAVAILABLE')
    assert.doesNotMatch(response.body, /redis:\/\/|ECONNREFUSED|127\.0\.0\.1/)
    assert.ok(elapsed < 1000, `${url} answered in ${elapsed.toFixed(0)} ms`)
  }
  assert.equal((await call(fastify, 'GET', '/api/jwt/me', jwt.credential)).statusCode, 200, 'jwt needs no store to authenticate')
  const health = await call(fastify, 'GET', '/api/health')
  assert.equal(health.statusCode, 503)
  assert.deepEqual(health.json(), { status: 'degraded', redis: 'down', postgres: 'up' })

  // The same port again, empty (no persistence): ioredis reconnects without restarting the API.
  const restarted = await startRedisServer(Number(new URL(redis.url).port))
  t.after(() => restarted.stop())
  let recovered = await call(fastify, 'GET', '/api/jwt-denylist/me', denylist.credential)
  for (let attempt = 0; recovered.statusCode === 503 && attempt < 50; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    recovered = await call(fastify, 'GET', '/api/jwt-denylist/me', denylist.credential)
  }
  assert.equal(recovered.statusCode, 200)
  const again = await login(fastify, 'session')
  assert.equal(again.response.statusCode, 200)
  assert.equal((await call(fastify, 'GET', '/api/session/me', again.credential)).statusCode, 200)
})
