import assert from 'node:assert/strict'
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance } from 'fastify'
import { buildApp, call, login, type Credential } from './helpers.ts'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const decode = (segment: string) => JSON.parse(Buffer.from(segment, 'base64url').toString()) as Record<string, unknown>

function eddsaApp(t: Parameters<typeof buildApp>[0], graceSeconds = 60) {
  const jwtPrivateKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  return buildApp(t, { jwtAlgorithm: 'EdDSA', jwtPrivateKey, jwtKeyGrace: graceSeconds, profile: 'demo' })
}

async function jwks(fastify: FastifyInstance): Promise<Array<{ kid: string; x: string; kty: string; crv: string; alg: string }>> {
  const response = await fastify.inject({ method: 'GET', url: '/.well-known/jwks.json' })
  assert.equal(response.statusCode, 200)
  return response.json().keys
}

const me = (fastify: FastifyInstance, credential: Credential) => call(fastify, 'GET', '/api/jwt/me', credential)

test('EdDSA tokens name their key, and anyone can verify them with the published JWKS', async (t) => {
  const fastify = await eddsaApp(t)
  const { credential } = await login(fastify, 'jwt')
  const [header, payload, signature] = (credential.accessToken as string).split('.') as [string, string, string]
  const keys = await jwks(fastify)
  assert.equal(keys.length, 1)
  assert.deepEqual(decode(header), { alg: 'EdDSA', typ: 'JWT', kid: keys[0]?.kid })
  // Verified outside the API, with node:crypto and the public JWK alone.
  const publicKey = createPublicKey({ key: { ...keys[0] }, format: 'jwk' })
  assert.ok(verify(null, Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url')))
  assert.equal((await me(fastify, credential)).statusCode, 200)
})

test('after a rotation the old key verifies during its grace period, then it is refused and unpublished', async (t) => {
  const fastify = await eddsaApp(t, 2)
  const before = await login(fastify, 'jwt-denylist')
  const oldKid = (await jwks(fastify))[0]?.kid
  const rotated = await fastify.inject({ method: 'POST', url: '/api/keys/rotate' })
  assert.equal(rotated.statusCode, 200)
  const newKid = rotated.json().kid
  assert.notEqual(newKid, oldKid)

  const after = await login(fastify, 'jwt-denylist')
  assert.equal(decode((after.credential.accessToken as string).split('.')[0] as string).kid, newKid)
  assert.deepEqual((await jwks(fastify)).map((key) => key.kid), [newKid, oldKid])
  assert.equal((await call(fastify, 'GET', '/api/jwt-denylist/me', before.credential)).statusCode, 200, 'old key, in grace')

  await sleep(2300)
  const late = await call(fastify, 'GET', '/api/jwt-denylist/me', before.credential)
  assert.equal(late.statusCode, 401, 'old key, past its grace')
  assert.equal(late.json().code, 'AUTH_INVALID')
  assert.equal((await call(fastify, 'GET', '/api/jwt-denylist/me', after.credential)).statusCode, 200)
  assert.deepEqual((await jwks(fastify)).map((key) => key.kid), [newKid])
})

test('a key the server did not issue is refused, whatever kid it claims', async (t) => {
  const fastify = await eddsaApp(t)
  const { credential } = await login(fastify, 'jwt')
  const [header, payload] = (credential.accessToken as string).split('.') as [string, string]
  const serverKid = decode(header).kid
  const claims = { ...decode(payload), role: 'admin' }
  const foreign = generateKeyPairSync('ed25519').privateKey
  const signWith = (head: object) => {
    const input = `${b64(head)}.${b64(claims)}`
    return `${input}.${sign(null, Buffer.from(input), foreign).toString('base64url')}`
  }
  const publicJwk = (await jwks(fastify))[0] as { x: string }
  const hsInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: serverKid })}.${b64(claims)}`
  const cases: Array<[string, string]> = [
    ['foreign key, server kid', signWith({ alg: 'EdDSA', typ: 'JWT', kid: serverKid })],
    ['foreign key, its own kid', signWith({ alg: 'EdDSA', typ: 'JWT', kid: 'attacker' })],
    ['foreign key, no kid', signWith({ alg: 'EdDSA', typ: 'JWT' })],
    ['foreign key, embedded jwk', signWith({ alg: 'EdDSA', typ: 'JWT', jwk: createPublicKey(foreign).export({ format: 'jwk' }) })],
    ['HS256 keyed with the public key', `${hsInput}.${createHmac('sha256', Buffer.from(publicJwk.x, 'base64url')).update(hsInput).digest('base64url')}`],
    ['alg none', `${b64({ alg: 'none', kid: serverKid })}.${b64(claims)}.`],
  ]
  for (const [label, token] of cases) {
    const response = await fastify.inject({ method: 'GET', url: '/api/jwt/admin', headers: { authorization: `Bearer ${token}` } })
    assert.equal(response.statusCode, 401, label)
  }
})

test('HS256 publishes no keys and offers no rotation', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  assert.deepEqual(await jwks(fastify), [])
  assert.equal((await fastify.inject({ method: 'POST', url: '/api/keys/rotate' })).statusCode, 404)
})

test('outside the demo profile there is no rotation route', async (t) => {
  const jwtPrivateKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const fastify = await buildApp(t, { jwtAlgorithm: 'EdDSA', jwtPrivateKey })
  assert.equal((await fastify.inject({ method: 'POST', url: '/api/keys/rotate' })).statusCode, 404)
  assert.equal((await jwks(fastify)).length, 1)
})

test('rotating a secret: with the old one as *_PREVIOUS, tokens and session cookies it signed still work, new ones are signed with the new secret', async (t) => {
  const oldSecrets = { jwtSecret: randomBytes(32).toString('base64url'), sessionSecret: randomBytes(32).toString('base64url') }
  const before = await buildApp(t, oldSecrets)
  const jwt = (await login(before, 'jwt')).credential
  const session = (await login(before, 'session')).credential
  const after = await buildApp(t, {
    jwtSecret: randomBytes(32).toString('base64url'),
    sessionSecret: randomBytes(32).toString('base64url'),
    jwtSecretPrevious: oldSecrets.jwtSecret,
    sessionSecretPrevious: oldSecrets.sessionSecret,
  })
  assert.equal((await call(after, 'GET', '/api/jwt/me', jwt)).statusCode, 200, 'a token of the old secret')
  assert.equal((await call(after, 'GET', '/api/session/me', session)).statusCode, 200, 'a session cookie of the old secret')
  const fresh = (await login(after, 'jwt')).credential
  assert.equal((await call(before, 'GET', '/api/jwt/me', fresh)).statusCode, 401, 'new tokens carry the new secret')
  const withoutPrevious = await buildApp(t, { jwtSecret: randomBytes(32).toString('base64url') })
  assert.equal((await call(withoutPrevious, 'GET', '/api/jwt/me', jwt)).statusCode, 401, 'without it, the old tokens are refused')
})
