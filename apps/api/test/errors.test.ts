import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildApp, call, randomClientAddress } from './helpers.ts'

function assertClientError(response: { statusCode: number; json: () => Record<string, unknown>; body: string }, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body)
  const body = response.json()
  assert.equal(body.code, code)
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'])
  assert.doesNotMatch(response.body, /fast-jwt|FAST_JWT|FST_|at \w+ \(|node_modules|redis:\/\/|postgres:\/\//i)
}

test('bad bodies and media types are 4xx with stable codes', async (t) => {
  const fastify = await buildApp(t)
  assertClientError(await fastify.inject({ method: 'POST', url: '/api/session/login', headers: { 'content-type': 'text/plain' }, payload: 'alice' }), 415, 'UNSUPPORTED_MEDIA_TYPE')
  assertClientError(await fastify.inject({ method: 'POST', url: '/api/session/login', payload: { username: 'alice', password: 'p'.repeat(20_000) } }), 413, 'PAYLOAD_TOO_LARGE')
  assertClientError(await fastify.inject({ method: 'POST', url: '/api/session/login', payload: { username: ['alice'], password: 'x' } }), 400, 'BAD_REQUEST')
  assertClientError(await fastify.inject({ method: 'DELETE', url: '/api/session/me' }), 404, 'NOT_FOUND')
})

test('login is rate-limited per client with a 429', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 3 })
  const attempt = (remoteAddress: string, password: string) =>
    fastify.inject({ method: 'POST', url: '/api/jwt/login', remoteAddress, payload: { username: 'alice', password } })
  const attacker = randomClientAddress()
  for (let i = 0; i < 3; i++) assert.equal((await attempt(attacker, 'wrong')).statusCode, 401)
  assertClientError(await attempt(attacker, 'alice-password'), 429, 'RATE_LIMITED')
  const other = await attempt(randomClientAddress(), 'alice-password')
  assert.equal(other.statusCode, 200, 'another client is not limited')
})

test('health reports both stores up', async (t) => {
  const fastify = await buildApp(t)
  const response = await call(fastify, 'GET', '/api/health')
  assert.equal(response.statusCode, 200)
  assert.deepEqual(response.json(), { status: 'ok', redis: 'up', postgres: 'up' })
})
