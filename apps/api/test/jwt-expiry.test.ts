import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildApp, call, login } from './helpers.ts'

test('a jwt captured before logout keeps working until its exp, then fails', async (t) => {
  const fastify = await buildApp(t, { accessTokenTtl: 2 })
  const { response, credential } = await login(fastify, 'jwt')
  const expiresAt = Date.parse(response.json().accessTokenExpiresAt)
  const stolen = structuredClone(credential)
  assert.equal((await call(fastify, 'POST', '/api/jwt/logout', credential)).statusCode, 204)

  assert.equal((await call(fastify, 'GET', '/api/jwt/me', stolen)).statusCode, 200, 'logout did not revoke it')
  await sleep(Math.max(0, expiresAt - Date.now()) + 1100)
  const replay = await call(fastify, 'GET', '/api/jwt/me', stolen)
  assert.equal(replay.statusCode, 401)
  assert.equal(replay.json().code, 'AUTH_EXPIRED')
})

test('the denylist entry lives exactly as long as the token it blocks', async (t) => {
  const fastify = await buildApp(t, { accessTokenTtl: 60 })
  const { credential } = await login(fastify, 'jwt-denylist')
  const payload = (credential.accessToken as string).split('.')[1] as string
  const { jti } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { jti: string }
  await call(fastify, 'POST', '/api/jwt-denylist/logout', credential)
  const ttl = await fastify.redis.ttl(`lab:deny:jti:${jti}`)
  assert.ok(ttl > 55 && ttl <= 60, `ttl ${ttl}`)
})
