import assert from 'node:assert/strict'
import { createHmac, generateKeyPairSync, sign as signEd25519 } from 'node:crypto'
import { test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp, login } from './helpers.ts'

// POST /api/lab/token-signature: the demo's answer to "does this signature verify with the server's
// key?", which the token inspector asks because an HS256 secret never leaves the server.

const SECRET = 'a-test-secret-that-is-long-enough-0123456789'
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const hmac = (input: string) => createHmac('sha256', SECRET).update(input).digest('base64url')
const signHs256 = (header: unknown, payload: unknown) => `${b64(header)}.${b64(payload)}.${hmac(`${b64(header)}.${b64(payload)}`)}`

const check = (fastify: FastifyInstance, token: unknown) =>
  fastify.inject({ method: 'POST', url: '/api/lab/token-signature', payload: { token } as Record<string, unknown> })

async function verdict(fastify: FastifyInstance, token: string) {
  const response = await check(fastify, token)
  assert.equal(response.statusCode, 200, response.body)
  return response.json<{ algorithm: string; valid: boolean; reason: string | null; kid: string | null }>()
}

/** The token with one claim changed, its signature kept. */
function edited(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.') as [string, string, string]
  return `${header}.${b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...change })}.${signature}`
}

test('the signature check does not exist outside the demo profile', async (t) => {
  const fastify = await buildApp(t, { profile: 'production' })
  const { credential } = await login(fastify, 'jwt')
  const response = await check(fastify, credential.accessToken)
  assert.equal(response.statusCode, 404)
  assert.equal(response.json().code, 'NOT_FOUND')
})

test('HS256: the server says whether its secret made the signature, and why not, with the claims unread', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo', jwtSecret: SECRET })
  const { credential } = await login(fastify, 'jwt')
  const token = credential.accessToken as string
  assert.deepEqual(await verdict(fastify, token), { algorithm: 'HS256', valid: true, reason: null, kid: null })

  const [header, payload, signature] = token.split('.') as [string, string, string]
  const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`
  const refused = {
    'payload edited, signature kept': [edited(token, { role: 'admin' }), 'BAD_SIGNATURE'],
    'signature altered': [`${header}.${payload}.${flipped}`, 'BAD_SIGNATURE'],
    'HS512 header': [signHs256({ alg: 'HS512', typ: 'JWT' }, JSON.parse(Buffer.from(payload, 'base64url').toString())), 'ALG_NOT_ALLOWED'],
    'an unknown crit': [signHs256({ alg: 'HS256', crit: ['exp-v2'], 'exp-v2': 1 }, JSON.parse(Buffer.from(payload, 'base64url').toString())), 'UNSUPPORTED_CRIT'],
    // An empty segment is not canonical base64url: refused for its shape before any crypto.
    'signature dropped': [`${header}.${payload}.`, 'MALFORMED'],
    'alg none, no signature': [`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, 'MALFORMED'],
    'two parts': [`${header}.${payload}`, 'MALFORMED'],
    'not a token': ['not-a-token', 'MALFORMED'],
  } as const
  for (const [label, [forged, reason]] of Object.entries(refused)) {
    assert.deepEqual(await verdict(fastify, forged), { algorithm: 'HS256', valid: false, reason, kid: null }, label)
    // The reason a real call gives for the same token, since the signature is checked before any claim.
    const real = await fastify.inject({ method: 'GET', url: '/api/jwt/me', headers: { authorization: `Bearer ${forged}` } })
    assert.equal(real.statusCode, 401, label)
    assert.equal(real.headers['x-auth-reason'], reason, label)
  }

  // Signed with the server's secret, yet past its exp and for no strategy's audience: the signature
  // verifies, while a real call refuses the token for its claims.
  const expired = signHs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'x', exp: Math.floor(Date.now() / 1000) - 60 })
  assert.deepEqual(await verdict(fastify, expired), { algorithm: 'HS256', valid: true, reason: null, kid: null })
  const real = await fastify.inject({ method: 'GET', url: '/api/jwt/me', headers: { authorization: `Bearer ${expired}` } })
  assert.equal(real.statusCode, 401)
})

test('the body is a token and nothing else: anything else is a 400', async (t) => {
  const fastify = await buildApp(t, { profile: 'demo' })
  for (const payload of [{}, { token: 42 }, { token: '' }, { token: 'a.b.c', extra: 1 }, { token: 'x'.repeat(16_385) }]) {
    const response = await fastify.inject({ method: 'POST', url: '/api/lab/token-signature', payload })
    assert.equal(response.statusCode, payload.token === 'x'.repeat(16_385) ? 413 : 400, JSON.stringify(payload).slice(0, 60))
    assert.match(response.json().code, /^(BAD_REQUEST|PAYLOAD_TOO_LARGE)$/)
  }
})

test('EdDSA: the key named by kid verifies, through a rotation; a kid the server never issued is UNKNOWN_KEY', async (t) => {
  const privateKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
  const fastify = await buildApp(t, { profile: 'demo', jwtAlgorithm: 'EdDSA', jwtPrivateKey: privateKey, jwtSecret: '' })
  const { credential } = await login(fastify, 'jwt')
  const token = credential.accessToken as string
  const kid = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string
  assert.deepEqual(await verdict(fastify, token), { algorithm: 'EdDSA', valid: true, reason: null, kid })
  assert.equal((await verdict(fastify, edited(token, { role: 'admin' }))).reason, 'BAD_SIGNATURE')

  const rotated = await fastify.inject({ method: 'POST', url: '/api/keys/rotate' })
  assert.equal(rotated.statusCode, 200)
  assert.equal((await verdict(fastify, token)).valid, true, "the previous key verifies during its grace period")

  const stranger = generateKeyPairSync('ed25519').privateKey
  const input = `${b64({ alg: 'EdDSA', typ: 'JWT', kid: 'not-one-of-ours' })}.${b64({ sub: 'x' })}`
  const forged = `${input}.${signEd25519(null, Buffer.from(input), stranger).toString('base64url')}`
  assert.deepEqual(await verdict(fastify, forged), { algorithm: 'EdDSA', valid: false, reason: 'UNKNOWN_KEY', kid: 'not-one-of-ours' })
})
