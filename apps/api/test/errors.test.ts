import assert from 'node:assert/strict'
import { test } from 'node:test'
import { STRATEGIES } from '@lab/contracts'
import { buildApp, call } from './helpers.ts'

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

test('control characters in a username are a 400 on every strategy, never a 500 from the database', async (t) => {
  const fastify = await buildApp(t)
  for (const strategy of STRATEGIES) {
    for (const username of ['ali\u0000ce', 'alice\n', 'al\u001bice', 'a\u007f']) {
      const response = await fastify.inject({ method: 'POST', url: `/api/${strategy}/login`, payload: { username, password: 'alice-password' } })
      assertClientError(response, 400, 'BAD_REQUEST')
    }
    assertClientError(
      await fastify.inject({ method: 'POST', url: `/api/${strategy}/login`, payload: { username: 'alice', password: 'x\u0000y' } }),
      400,
      'BAD_REQUEST',
    )
  }
})

test('health reports both stores up', async (t) => {
  const fastify = await buildApp(t)
  const response = await call(fastify, 'GET', '/api/health')
  assert.equal(response.statusCode, 200)
  assert.deepEqual(response.json(), { status: 'ok', redis: 'up', postgres: 'up' })
})
