import assert from 'node:assert/strict'
import { createHmac, generateKeyPairSync, sign as signAsymmetric } from 'node:crypto'
import { createServer } from 'node:http'
import { test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { TOKEN_STRATEGIES } from '@lab/contracts'
import { buildApp, login } from './helpers.ts'

// Attacks from RFC 8725, OWASP's JWT cheat sheet, PortSwigger's JWT labs and jwt_tool's modes.
// Each must be a 401 with a generic body and a stable code: never a 200, never a 5xx.

const SECRET = 'a-test-secret-that-is-long-enough-0123456789'
const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
const hmac = (input: string, secret: string | Buffer = SECRET) => createHmac('sha256', secret).update(input).digest('base64url')
const HS256 = { alg: 'HS256', typ: 'JWT' }

function claimsFor(audience = 'session-vs-jwt-lab:jwt') {
  const now = Math.floor(Date.now() / 1000)
  return {
    sub: '00000000-0000-4000-8000-000000000001', jti: 'attack', sid: '00000000-0000-4000-8000-000000000002',
    username: 'eve', role: 'admin', iat: now, exp: now + 60, iss: 'session-vs-jwt-lab', aud: audience,
  }
}

/** A token signed with the server's own secret: what the cases change is the only thing wrong with it. */
function forge(header: unknown, payload: unknown, secret: string | Buffer = SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${hmac(input, secret)}`
}

async function assertRefused(fastify: FastifyInstance, label: string, authorization: string, code = 'AUTH_INVALID', url = '/api/jwt/admin') {
  const response = await fastify.inject({ method: 'GET', url, headers: { authorization } })
  assert.equal(response.statusCode, 401, `${label}: ${response.statusCode} ${response.body}`)
  const body = response.json()
  assert.equal(body.code, code, label)
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'], label)
  assert.doesNotMatch(response.body, /fast-jwt|FAST_JWT|FST_|node_modules|at \w+ \(/i, label)
}

test('the control: the same claims correctly signed are accepted, so each case fails for its own reason', async (t) => {
  const fastify = await buildApp(t, { jwtSecret: SECRET })
  const response = await fastify.inject({ method: 'GET', url: '/api/jwt/admin', headers: { authorization: `Bearer ${forge(HS256, claimsFor())}` } })
  assert.equal(response.statusCode, 200, response.body)
})

test('algorithm attacks: none in any casing, stripped and null signatures, key confusion, psychic signatures', async (t) => {
  const fastify = await buildApp(t, { jwtSecret: SECRET })
  const claims = claimsFor()
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    await assertRefused(fastify, `alg ${alg}`, `Bearer ${b64({ alg, typ: 'JWT' })}.${b64(claims)}.`)
    await assertRefused(fastify, `alg ${alg} without the dot`, `Bearer ${b64({ alg, typ: 'JWT' })}.${b64(claims)}`)
  }
  const valid = forge(HS256, claims)
  const [h, p] = valid.split('.') as [string, string]
  await assertRefused(fastify, 'stripped signature', `Bearer ${h}.${p}.`)
  await assertRefused(fastify, 'null signature', `Bearer ${h}.${p}.${b64('null')}`)
  await assertRefused(fastify, 'zero signature', `Bearer ${h}.${p}.${Buffer.alloc(32).toString('base64url')}`)
  for (const alg of ['HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA']) {
    await assertRefused(fastify, `${alg} header, HMAC signature`, `Bearer ${forge({ alg, typ: 'JWT' }, claims)}`)
  }
  // CVE-2022-21449: an ECDSA signature of r = s = 0.
  await assertRefused(fastify, 'psychic signature', `Bearer ${b64({ alg: 'ES256', typ: 'JWT' })}.${b64(claims)}.${Buffer.alloc(64).toString('base64url')}`)
  // A real RS256 token from a key the server never issued, and the RS256 public key used as an HMAC secret.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const rsInput = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`
  await assertRefused(fastify, 'foreign RS256', `Bearer ${rsInput}.${signAsymmetric('sha256', Buffer.from(rsInput), privateKey).toString('base64url')}`)
  const pem = publicKey.export({ type: 'spki', format: 'pem' })
  await assertRefused(fastify, 'public key as HMAC secret', `Bearer ${forge(HS256, claims, pem)}`)
})

test('secret attacks: wrong, blank and guessable secrets', async (t) => {
  const fastify = await buildApp(t, { jwtSecret: SECRET })
  const claims = claimsFor()
  for (const secret of ['', 'secret', 'your-256-bit-secret', `${SECRET}x`, SECRET.slice(0, -1)]) {
    await assertRefused(fastify, `secret "${secret}"`, `Bearer ${forge(HS256, claims, secret)}`)
  }
})

test('header injection: kid, jku, x5u and embedded jwk are never used and never fetched', async (t) => {
  let fetched = 0
  const bait = createServer((_request, response) => {
    fetched++
    response.end('{"keys":[]}')
  })
  await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve))
  t.after(() => bait.close())
  const baitUrl = `http://127.0.0.1:${(bait.address() as { port: number }).port}/jwks.json`
  const fastify = await buildApp(t, { jwtSecret: SECRET })
  const claims = claimsFor()
  const attackerSecret = 'attacker-controlled-secret-0123456789abcdef'
  const jwk = { kty: 'oct', k: Buffer.from(attackerSecret).toString('base64url') }
  const cases: Array<[string, object, string]> = [
    ['kid path traversal to an empty file', { ...HS256, kid: '../../../../../../dev/null' }, ''],
    ['kid SQL injection', { ...HS256, kid: "x' UNION SELECT 'attacker-controlled-secret-0123456789abcdef' --" }, attackerSecret],
    ['jku to an attacker JWKS', { ...HS256, jku: baitUrl }, attackerSecret],
    ['x5u to an attacker certificate', { ...HS256, x5u: baitUrl }, attackerSecret],
    ['embedded jwk', { ...HS256, jwk }, attackerSecret],
  ]
  for (const [label, header, secret] of cases) await assertRefused(fastify, label, `Bearer ${forge(header, claims, secret)}`)
  assert.equal(fetched, 0, 'the API fetched an attacker URL')
})

test('claim attacks: expiry, not-before, missing claims, wrong issuer and audience, wrong types', async (t) => {
  const fastify = await buildApp(t, { jwtSecret: SECRET })
  const claims = claimsFor()
  const now = Math.floor(Date.now() / 1000)
  await assertRefused(fastify, 'expired', `Bearer ${forge(HS256, { ...claims, iat: now - 120, exp: now - 60 })}`, 'AUTH_EXPIRED')
  await assertRefused(fastify, 'future nbf', `Bearer ${forge(HS256, { ...claims, nbf: now + 600 })}`)
  for (const claim of ['exp', 'iat', 'sub', 'jti', 'sid', 'iss', 'aud', 'role', 'username'] as const) {
    const rest: Partial<typeof claims> = { ...claims }
    delete rest[claim]
    await assertRefused(fastify, `missing ${claim}`, `Bearer ${forge(HS256, rest)}`)
  }
  await assertRefused(fastify, 'wrong iss', `Bearer ${forge(HS256, { ...claims, iss: 'https://evil.example' })}`)
  await assertRefused(fastify, 'wrong aud', `Bearer ${forge(HS256, { ...claims, aud: 'session-vs-jwt-lab:jwt-denylist' })}`)
  await assertRefused(fastify, 'aud of another service', `Bearer ${forge(HS256, { ...claims, aud: ['elsewhere'] })}`)
  const wrongTypes: Array<[string, unknown]> = [
    ['exp', String(now + 60)], ['exp', null], ['iat', 'now'], ['sub', 42], ['sub', ''], ['jti', { id: 1 }],
    ['role', 'root'], ['role', ['admin']], ['username', false], ['iss', ['session-vs-jwt-lab']],
  ]
  for (const [claim, value] of wrongTypes) {
    await assertRefused(fastify, `${claim} = ${JSON.stringify(value)}`, `Bearer ${forge(HS256, { ...claims, [claim]: value })}`)
  }
})

test('structure attacks: non-object payloads, crit, non-canonical base64url, prototype keys, size, shape', async (t) => {
  const fastify = await buildApp(t, { jwtSecret: SECRET })
  const claims = claimsFor()
  for (const payload of [[claims], 'admin', 42, null, true]) {
    await assertRefused(fastify, `payload ${JSON.stringify(payload)?.slice(0, 20)}`, `Bearer ${forge(HS256, payload)}`)
  }
  await assertRefused(fastify, 'header not an object', `Bearer ${forge('HS256', claims)}`)
  await assertRefused(fastify, 'unknown crit', `Bearer ${forge({ ...HS256, crit: ['exp-in-the-future'], 'exp-in-the-future': true }, claims)}`)

  const valid = forge(HS256, claims)
  const [h, p, s] = valid.split('.') as [string, string, string]
  const padded = `${h}.${p}${'='.repeat((4 - (p.length % 4)) % 4 || 1)}`
  await assertRefused(fastify, 'padded payload, signed', `Bearer ${padded}.${hmac(padded)}`)
  const standardAlphabet = `${b64(HS256)}.${Buffer.from(JSON.stringify({ ...claims, username: '>>>??>' })).toString('base64')}`
  await assertRefused(fastify, 'standard base64 alphabet, signed', `Bearer ${standardAlphabet}.${hmac(standardAlphabet)}`)
  // The same signature bytes, written with different trailing bits: decoders that ignore them accept it.
  const last = s.at(-1) as string
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const twin = alphabet[alphabet.indexOf(last) ^ 1] as string
  assert.deepEqual(Buffer.from(s.slice(0, -1) + twin, 'base64url'), Buffer.from(s, 'base64url'), 'the twin decodes to the same bytes')
  await assertRefused(fastify, 'non-canonical signature', `Bearer ${h}.${p}.${s.slice(0, -1)}${twin}`)
  await assertRefused(fastify, 'whitespace inside', `Bearer ${h}.${p}. ${s}`)

  const polluted = forge(HS256, JSON.parse(`{${JSON.stringify(claims).slice(1, -1)},"__proto__":{"role":"admin","isAdmin":true}}`))
  const response = await fastify.inject({ method: 'GET', url: '/api/jwt/me', headers: { authorization: `Bearer ${polluted}` } })
  assert.ok(response.statusCode === 200 || response.statusCode === 401, response.body)
  assert.equal(({} as { isAdmin?: boolean }).isAdmin, undefined, 'Object.prototype polluted')

  await assertRefused(fastify, 'two parts', `Bearer ${h}.${p}`)
  await assertRefused(fastify, 'four parts', `Bearer ${valid}.${s}`)
  await assertRefused(fastify, 'oversized', `Bearer ${forge(HS256, { ...claims, pad: 'x'.repeat(6000) })}`)
  await assertRefused(fastify, 'another token\'s signature', `Bearer ${h}.${p}.${forge(HS256, { ...claims, jti: 'other' }).split('.')[2]}`)
  await assertRefused(fastify, 'no scheme', valid)
  await assertRefused(fastify, 'Basic scheme', `Basic ${valid}`)
})

for (const strategy of TOKEN_STRATEGIES) {
  test(`${strategy}: a refresh token is not an access token, and a token of the other strategy is refused`, async (t) => {
    const fastify = await buildApp(t, { jwtSecret: SECRET })
    const { credential } = await login(fastify, strategy)
    const other = TOKEN_STRATEGIES.find((name) => name !== strategy) as string
    await assertRefused(fastify, 'refresh token as bearer', `Bearer ${credential.cookies.rt}`, 'AUTH_INVALID', `/api/${strategy}/me`)
    await assertRefused(fastify, 'token of the other audience', `Bearer ${credential.accessToken}`, 'AUTH_INVALID', `/api/${other}/me`)
  })
}

test('jwt-cookie: the same attacks through its cookie are refused: alg none, another key, another audience, a refresh token, padding', async (t) => {
  const fastify = await buildApp(t, { jwtSecret: SECRET })
  const { credential } = await login(fastify, 'jwt-cookie')
  const valid = credential.cookies.at as string
  const [h, p] = valid.split('.')
  const jwt = (await login(fastify, 'jwt')).credential.accessToken as string
  const cases: Array<[string, string]> = [
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`],
    ['alg none with a signature', `${b64({ alg: 'none', typ: 'JWT' })}.${p}.AAAA`],
    ['another key', forge(HS256, claimsFor('session-vs-jwt-lab:jwt-cookie'), 'another-secret-that-is-long-enough-012345')],
    ['admin by edit', `${h}.${b64({ ...JSON.parse(Buffer.from(p as string, 'base64url').toString()), role: 'admin' })}.${valid.split('.')[2]}`],
    ['a jwt token', jwt],
    ['its refresh token', credential.cookies.rt as string],
    ['padded signature', `${valid}=`],
  ]
  for (const [label, token] of cases) {
    const response = await fastify.inject({ method: 'GET', url: '/api/jwt-cookie/admin', cookies: { at: token } })
    assert.equal(response.statusCode, 401, `${label}: ${response.body}`)
    assert.doesNotMatch(response.body, /fast-jwt|FAST_JWT/i, label)
  }
  assert.equal((await fastify.inject({ method: 'GET', url: '/api/jwt-cookie/me', cookies: { at: valid } })).statusCode, 200, 'the control')
})

test('a token in the query string is never a credential (ASVS 14.2.1): only its header or cookie is read', async (t) => {
  const fastify = await buildApp(t)
  const token = (await login(fastify, 'jwt')).credential.accessToken as string
  for (const query of [`access_token=${token}`, `token=${token}`, `authorization=Bearer%20${token}`]) {
    const response = await fastify.inject({ method: 'GET', url: `/api/jwt/me?${query}` })
    assert.equal(response.statusCode, 401, query)
    assert.equal(response.json().code, 'AUTH_MISSING')
  }
})

test('in the demo profile a refusal says why in x-auth-reason, for the token inspector; in production it never does', async (t) => {
  const demo = await buildApp(t, { jwtSecret: SECRET, profile: 'demo' })
  const production = await buildApp(t, { jwtSecret: SECRET })
  const now = Math.floor(Date.now() / 1000)
  const signed = forge(HS256, claimsFor())
  const [header, payload] = signed.split('.')
  const cases: Array<[string, string, string]> = [
    ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.AAAA`, 'ALG_NOT_ALLOWED'],
    ['edited payload', `${header}.${b64({ ...claimsFor(), role: 'user' })}.${signed.split('.')[2]}`, 'BAD_SIGNATURE'],
    ['wrong secret', forge(HS256, claimsFor(), 'another-secret-that-is-long-enough-012345'), 'BAD_SIGNATURE'],
    ['expired', forge(HS256, { ...claimsFor(), iat: now - 120, exp: now - 60 }), 'EXPIRED'],
    ['not yet valid', forge(HS256, { ...claimsFor(), nbf: now + 600 }), 'NOT_YET_VALID'],
    ['another audience', forge(HS256, claimsFor('session-vs-jwt-lab:jwt-denylist')), 'WRONG_CLAIM'],
    ['no jti', forge(HS256, { ...claimsFor(), jti: undefined }), 'MISSING_CLAIM'],
    ['role of the wrong type', forge(HS256, { ...claimsFor(), role: ['admin'] }), 'BAD_CLAIM_TYPE'],
    ['not a JWT', 'not.a.jwt!', 'MALFORMED'],
  ]
  for (const [label, token, reason] of cases) {
    const told = await demo.inject({ method: 'GET', url: '/api/jwt/me', headers: { authorization: `Bearer ${token}` } })
    assert.equal(told.statusCode, 401, label)
    assert.equal(told.headers['x-auth-reason'], reason, label)
    const silent = await production.inject({ method: 'GET', url: '/api/jwt/me', headers: { authorization: `Bearer ${token}` } })
    assert.equal(silent.statusCode, 401, label)
    assert.equal(silent.headers['x-auth-reason'], undefined, label)
    assert.equal(silent.body, told.body, `${label}: the body is the same generic answer in both profiles`)
  }
})
