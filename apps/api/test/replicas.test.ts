import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { MEMORY_SESSION, REPLICA_HEADER, SESSION_COOKIE, type RequestRecord } from '@lab/contracts'
import { ConfigError, loadConfig } from '../src/config.ts'
import { ALICE, buildApp, call, keepCookies, login, type Credential } from './helpers.ts'

const secret = () => randomBytes(32).toString('base64url')

test('every response names the replica that served it, errors and unknown routes included', async (t) => {
  // demo: the live record (which names the replica too) is a demo feature
  const fastify = await buildApp(t, { replicaName: 'api-7', profile: 'demo' })
  for (const url of ['/api/health', '/api/session/me', '/api/nowhere']) {
    const response = await call(fastify, 'GET', url)
    assert.equal(response.headers[REPLICA_HEADER], 'api-7', url)
  }
  const records: RequestRecord[] = []
  fastify.records.subscribe((record) => records.push(record))
  const { response } = await login(fastify, 'jwt')
  assert.equal(response.headers[REPLICA_HEADER], 'api-7')
  assert.equal(records.at(-1)?.replica, 'api-7')
})

test('the replica name defaults to host and port, and the in-memory session store is refused outside the demo profile', () => {
  const secrets = { JWT_SECRET: secret(), SESSION_SECRET: secret() }
  assert.match(loadConfig({ ...secrets, PORT: '4100' }).replicaName, /:4100$/)
  assert.equal(loadConfig({ ...secrets, REPLICA_NAME: 'api-2' }).replicaName, 'api-2')
  assert.equal(loadConfig({ ...secrets, LAB_PROFILE: 'demo', LAB_REPLICAS: 'true' }).replicasView, true)
  assert.throws(
    () => loadConfig({ ...secrets, LAB_REPLICAS: 'true' }),
    (error: unknown) => error instanceof ConfigError && error.message.includes('LAB_PROFILE=demo'),
  )
  assert.throws(() => loadConfig({ ...secrets, REPLICA_NAME: 'api 1; x' }), ConfigError)
})

test('the in-memory session does not exist unless the replicas view is on', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  const response = await fastify.inject({ method: 'POST', url: `/api/replicas/${MEMORY_SESSION}/login`, payload: ALICE })
  assert.equal(response.statusCode, 404)
})

test('a session in Redis and a JWT survive a hop to another replica; a session in one replica\'s memory does not', async (t) => {
  // Two API instances on the same Redis and Postgres with the same secrets, as behind the load balancer.
  const shared = { profile: 'demo' as const, replicasView: true, jwtSecret: secret(), sessionSecret: secret() }
  const a = await buildApp(t, { ...shared, replicaName: 'api-a' })
  const b = await buildApp(t, { ...shared, replicaName: 'api-b' })

  for (const strategy of ['session', 'session-pg', 'jwt', 'jwt-denylist'] as const) {
    const { credential } = await login(a, strategy)
    const onB = await call(b, 'GET', `/api/${strategy}/me`, credential)
    assert.equal(onB.statusCode, 200, strategy)
    assert.equal(onB.headers[REPLICA_HEADER], 'api-b')
  }

  const credential: Credential = { cookies: {} }
  const loggedIn = await a.inject({ method: 'POST', url: `/api/replicas/${MEMORY_SESSION}/login`, payload: ALICE })
  assert.equal(loggedIn.statusCode, 200)
  assert.deepEqual(loggedIn.json().strategy, MEMORY_SESSION)
  keepCookies(credential, loggedIn)
  assert.ok(credential.cookies[SESSION_COOKIE[MEMORY_SESSION]])

  const onA = await call(a, 'GET', `/api/replicas/${MEMORY_SESSION}/me`, credential)
  assert.equal(onA.statusCode, 200)
  assert.equal(onA.json().user.username, 'alice')
  const onB = await call(b, 'GET', `/api/replicas/${MEMORY_SESSION}/me`, credential)
  assert.equal(onB.statusCode, 401)
  assert.equal(onB.json().code, 'AUTH_INVALID')
  assert.equal(onB.headers['server-timing']?.toString().includes('redis'), false, 'no store was asked')

  const loggedOut = await call(a, 'POST', `/api/replicas/${MEMORY_SESSION}/logout`, credential)
  assert.equal(loggedOut.statusCode, 204)
  assert.equal((await call(a, 'GET', `/api/replicas/${MEMORY_SESSION}/me`, credential)).statusCode, 401)
})
