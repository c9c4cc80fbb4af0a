import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { test } from 'node:test'
import { buildApp, call, login } from './helpers.ts'

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

function assertClientError(response: { statusCode: number; json: () => Record<string, unknown>; body: string }, status: number, code: string) {
  assert.equal(response.statusCode, status, response.body)
  const body = response.json()
  assert.equal(body.code, code)
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'])
  assert.doesNotMatch(response.body, /fast-jwt|FAST_JWT|FST_|at \w+ \(|node_modules|redis:\/\/|postgres:\/\//i)
}

test('bad bearer tokens are 401s with stable codes and no library text', async (t) => {
  const secret = 'a-test-secret-that-is-long-enough-0123456789'
  const fastify = await buildApp(t, { jwtSecret: secret })
  const now = Math.floor(Date.now() / 1000)
  const claims = { sub: '00000000-0000-4000-8000-000000000000', jti: 'j', sid: 's', username: 'eve', role: 'admin', iat: now, exp: now + 60, iss: 'session-vs-jwt-lab', aud: 'session-vs-jwt-lab:jwt' }
  const sign = (header: object, payload: object) => {
    const unsigned = `${b64(header)}.${b64(payload)}`
    return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
  }
  const cases: Array<[string, string]> = [
    ['Bearer', 'AUTH_INVALID'],
    ['Basic YWxpY2U6cGFzcw==', 'AUTH_INVALID'],
    ['Bearer not-a-jwt', 'AUTH_INVALID'],
    ['Bearer a.b.c', 'AUTH_INVALID'],
    [`Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'AUTH_INVALID'],
    [`Bearer ${sign({ alg: 'HS512', typ: 'JWT' }, claims)}`, 'AUTH_INVALID'],
    [`Bearer ${sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, aud: 'elsewhere' })}`, 'AUTH_INVALID'],
    [`Bearer ${sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'elsewhere' })}`, 'AUTH_INVALID'],
    [`Bearer ${sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: undefined })}`, 'AUTH_INVALID'],
    [`Bearer ${sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, role: 'root' })}`, 'AUTH_INVALID'],
    [`Bearer ${sign({ alg: 'HS256', typ: 'JWT' }, { ...claims, iat: now - 120, exp: now - 60 })}`, 'AUTH_EXPIRED'],
    [`Bearer ${'a'.repeat(5000)}`, 'AUTH_INVALID'],
  ]
  for (const [authorization, code] of cases) {
    const response = await fastify.inject({ method: 'GET', url: '/api/jwt/me', headers: { authorization } })
    assertClientError(response, 401, code)
  }
  // The same claims, correctly signed, pass: the cases above fail for the reason they test.
  const valid = await fastify.inject({ method: 'GET', url: '/api/jwt/admin', headers: { authorization: `Bearer ${sign({ alg: 'HS256', typ: 'JWT' }, claims)}` } })
  assert.equal(valid.statusCode, 200)
})

test('bad bodies and media types are 4xx with stable codes', async (t) => {
  const fastify = await buildApp(t)
  assertClientError(await fastify.inject({ method: 'POST', url: '/api/session/login', headers: { 'content-type': 'text/plain' }, payload: 'alice' }), 415, 'UNSUPPORTED_MEDIA_TYPE')
  assertClientError(await fastify.inject({ method: 'POST', url: '/api/session/login', payload: { username: 'alice', password: 'p'.repeat(20_000) } }), 413, 'PAYLOAD_TOO_LARGE')
  assertClientError(await fastify.inject({ method: 'POST', url: '/api/session/login', payload: { username: ['alice'], password: 'x' } }), 400, 'BAD_REQUEST')
  assertClientError(await fastify.inject({ method: 'DELETE', url: '/api/session/me' }), 404, 'NOT_FOUND')
})

test('login is rate-limited per client with a 429', async (t) => {
  const fastify = await buildApp(t, { loginRateLimit: 3 })
  const remoteAddress = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`
  const attempt = () => fastify.inject({ method: 'POST', url: '/api/jwt/login', remoteAddress, payload: { username: 'alice', password: 'wrong' } })
  for (let i = 0; i < 3; i++) assert.equal((await attempt()).statusCode, 401)
  assertClientError(await attempt(), 429, 'RATE_LIMITED')
  const other = await login(fastify, 'jwt')
  assert.equal(other.response.statusCode, 200, 'another client is not limited')
})

test('health reports both stores up', async (t) => {
  const fastify = await buildApp(t)
  const response = await call(fastify, 'GET', '/api/health')
  assert.equal(response.statusCode, 200)
  assert.deepEqual(response.json(), { status: 'ok', redis: 'up', postgres: 'up' })
})
