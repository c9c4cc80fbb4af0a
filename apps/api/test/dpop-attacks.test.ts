import assert from 'node:assert/strict'
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { test } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose'
import { countRoundTrips } from '@lab/contracts'
import { startRedisServer } from '../src/local-stores/redis.ts'
import { accessTokenHash } from '../src/strategies/jwt-dpop/proofs.ts'
import { ALICE, buildApp, call, dpopKey, dpopProof, headersFor, login, refresh, type Credential } from './helpers.ts'

const ME = '/api/jwt-dpop/me'

async function loggedIn(fastify: FastifyInstance): Promise<Credential> {
  const { response, credential } = await login(fastify, 'jwt-dpop')
  assert.equal(response.statusCode, 200, response.body)
  return credential
}

/** GET /me with the owner's token and the given DPoP header (undefined: none). */
function me(fastify: FastifyInstance, credential: Credential, proof: string | undefined, scheme = 'DPoP') {
  return fastify.inject({
    method: 'GET',
    url: ME,
    headers: { authorization: `${scheme} ${credential.accessToken}`, ...(proof === undefined ? {} : { dpop: proof }) },
  })
}

function assertRefused(response: LightMyRequestResponse, code: string, label = code) {
  assert.equal(response.statusCode, 401, `${label}: ${response.body}`)
  assert.equal(response.json().code, code, label)
  assert.match(String(response.headers['www-authenticate']), /^DPoP .*algs="ES256 EdDSA"$/, label)
}

const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()) as Record<string, unknown>

test('the control: login binds the token to the key of its proof (cnf.jkt), and /me with a fresh proof costs one Redis write', async (t) => {
  const fastify = await buildApp(t)
  const alice = await loggedIn(fastify)
  const key = alice.dpop as NonNullable<Credential['dpop']>
  assert.deepEqual(payloadOf(alice.accessToken as string).cnf, { jkt: await calculateJwkThumbprint(key.jwk) })
  const response = await call(fastify, 'GET', ME, alice)
  assert.equal(response.statusCode, 200, response.body)
  assert.equal(response.json().user.username, 'alice')
  assert.deepEqual(countRoundTrips(response.headers['server-timing'] as string), { redis: 1, pg: 0 })
  assert.match(String(response.headers['server-timing']), /redis;dur=[\d.]+;desc="SET"/)
  // A query string is not part of htu (RFC 9449 §4.3).
  const withQuery = await fastify.inject({ method: 'GET', url: `${ME}?x=1`, headers: headersFor(alice, 'GET', ME) })
  assert.equal(withQuery.statusCode, 200, withQuery.body)
})

test('a browser key (ES256 with WebCrypto, signed by jose) works as well as Ed25519', async (t) => {
  const fastify = await buildApp(t)
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: false })
  const jwk = await exportJWK(publicKey)
  const proof = (method: string, url: string, accessToken?: string) =>
    new SignJWT({ htm: method, htu: `http://localhost${url}`, ...(accessToken ? { ath: accessTokenHash(accessToken) } : {}) })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk })
      .setJti(randomUUID())
      .setIssuedAt()
      .sign(privateKey)
  const url = '/api/jwt-dpop/login'
  const logged = await fastify.inject({ method: 'POST', url, headers: { dpop: await proof('POST', url) }, payload: ALICE })
  assert.equal(logged.statusCode, 200, logged.body)
  const token = logged.json().accessToken as string
  const response = await fastify.inject({ method: 'GET', url: ME, headers: { authorization: `DPoP ${token}`, dpop: await proof('GET', ME, token) } })
  assert.equal(response.statusCode, 200, response.body)
})

test('attacks on a request: each is a 401 with its own stable code and a DPoP challenge', async (t) => {
  const fastify = await buildApp(t)
  const alice = await loggedIn(fastify)
  const key = alice.dpop as NonNullable<Credential['dpop']>
  const token = alice.accessToken as string
  const now = Math.floor(Date.now() / 1000)

  assertRefused(await me(fastify, alice, undefined), 'DPOP_PROOF_MISSING', 'missing proof')
  assertRefused(await me(fastify, alice, dpopProof(key, 'POST', ME, { accessToken: token })), 'DPOP_PROOF_WRONG_TARGET', 'proof for another method')
  assertRefused(await me(fastify, alice, dpopProof(key, 'GET', '/api/jwt-dpop/admin', { accessToken: token })), 'DPOP_PROOF_WRONG_TARGET', 'proof for another URL')
  assertRefused(await me(fastify, alice, dpopProof(key, 'GET', `http://evil.example${ME}`, { accessToken: token })), 'DPOP_PROOF_WRONG_TARGET', 'proof for another host')
  const once = dpopProof(key, 'GET', ME, { accessToken: token })
  assert.equal((await me(fastify, alice, once)).statusCode, 200)
  assertRefused(await me(fastify, alice, once), 'DPOP_PROOF_REPLAYED', 'replayed proof')
  assertRefused(await me(fastify, alice, dpopProof(dpopKey(), 'GET', ME, { accessToken: token })), 'DPOP_KEY_MISMATCH', 'proof signed by another key')
  assertRefused(await me(fastify, alice, dpopProof(key, 'GET', ME, { accessToken: `${token}x` })), 'DPOP_ATH_MISMATCH', 'ath of another token')
  assertRefused(await me(fastify, alice, dpopProof(key, 'GET', ME)), 'DPOP_ATH_MISMATCH', 'no ath')
  assertRefused(await me(fastify, alice, dpopProof(key, 'GET', ME, { accessToken: token, claims: { iat: now - 120 } })), 'DPOP_PROOF_STALE', 'stale iat')
  assertRefused(await me(fastify, alice, dpopProof(key, 'GET', ME, { accessToken: token, claims: { iat: now + 120 } })), 'DPOP_PROOF_STALE', 'iat in the future')
  assertRefused(await me(fastify, alice, dpopProof(key, 'GET', ME, { accessToken: token }), 'Bearer'), 'DPOP_SCHEME_REQUIRED', 'token presented as Bearer')
  assert.match(String((await me(fastify, alice, undefined)).headers['www-authenticate']), /error="invalid_dpop_proof"/)
  assert.match(String((await me(fastify, alice, dpopProof(dpopKey(), 'GET', ME, { accessToken: token }))).headers['www-authenticate']), /error="invalid_token"/)
  // The owner is still in after all of that.
  assert.equal((await call(fastify, 'GET', ME, alice)).statusCode, 200)
})

test('malformed proofs: typ, alg none or symmetric, a private key in the header, a signature by another key, garbage, size, duplicates — 401 DPOP_PROOF_INVALID, never a 5xx', async (t) => {
  const fastify = await buildApp(t)
  const alice = await loggedIn(fastify)
  const key = alice.dpop as NonNullable<Credential['dpop']>
  const token = alice.accessToken as string
  const good = (options: Parameters<typeof dpopProof>[3] = {}) => dpopProof(key, 'GET', ME, { accessToken: token, ...options })
  const unsigned = (header: object) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${good().split('.')[1]}.`
  const { privateKey: other } = generateKeyPairSync('ed25519')
  const privateJwk = { ...key.jwk, d: key.privateKey.export({ format: 'jwk' }).d }
  const otherSignature = `${good().split('.').slice(0, 2).join('.')}.${dpopProof({ ...key, privateKey: other }, 'GET', ME).split('.')[2]}`
  const cases: Record<string, string> = {
    'typ jwt': good({ header: { typ: 'JWT' } }),
    'no typ': good({ header: { typ: undefined } }),
    'alg none': unsigned({ typ: 'dpop+jwt', alg: 'none', jwk: key.jwk }),
    'alg HS256 with an oct jwk': good({ header: { alg: 'HS256', jwk: { kty: 'oct', k: 'c2VjcmV0' } } }),
    'no jwk': good({ header: { jwk: undefined } }),
    'a private key in the jwk': good({ header: { jwk: privateJwk } }),
    'signed by a key other than its jwk': otherSignature,
    'no jti': good({ claims: { jti: undefined } }),
    'a jti of 1000 characters': good({ claims: { jti: 'j'.repeat(1000) } }),
    'no htu': good({ claims: { htu: undefined } }),
    'htu not a URL': good({ claims: { htu: 'not a url' } }),
    'htu with userinfo': good({ claims: { htu: `http://user:pw@localhost${ME}` } }),
    'htu with a user name only': good({ claims: { htu: `http://alice@localhost${ME}` } }),
    'iat a string': good({ claims: { iat: String(Math.floor(Date.now() / 1000)) } }),
    garbage: 'garbage',
    'two proofs': `${good()}, ${good()}`,
    'a proof of 5000 characters': `${good()}${'A'.repeat(5000)}`,
    'JSON, not a JWS': '{"typ":"dpop+jwt"}',
  }
  for (const [label, proof] of Object.entries(cases)) assertRefused(await me(fastify, alice, proof), 'DPOP_PROOF_INVALID', label)
  const huge = await me(fastify, alice, 'x'.repeat(20_000))
  assert.ok(huge.statusCode >= 400 && huge.statusCode < 500, `a 20 kB DPoP header: ${huge.statusCode}`)
  assert.equal((await call(fastify, 'GET', ME, alice)).statusCode, 200)
})

test('login needs a proof; refresh needs one by the login’s key, so a stolen refresh cookie is useless without the key', async (t) => {
  const fastify = await buildApp(t)
  const loggedOut = await fastify.inject({ method: 'POST', url: '/api/jwt-dpop/login', payload: ALICE })
  assertRefused(loggedOut, 'DPOP_PROOF_MISSING', 'login without a proof')
  const alice = await loggedIn(fastify)
  const thief: Credential = { cookies: { ...alice.cookies }, dpop: dpopKey() }
  const stolen = await refresh(fastify, 'jwt-dpop', thief)
  assert.equal(stolen.statusCode, 401, stolen.body)
  assert.equal(stolen.json().code, 'AUTH_INVALID')
  const unproven = await fastify.inject({ method: 'POST', url: '/api/jwt-dpop/refresh', cookies: { rt: alice.cookies.rt as string } })
  assertRefused(unproven, 'DPOP_PROOF_MISSING', 'refresh without a proof')

  // The thief's attempt touched nothing: the owner refreshes, and the new token is bound to the same key.
  const rotated = await refresh(fastify, 'jwt-dpop', alice)
  assert.equal(rotated.statusCode, 200, rotated.body)
  const next = rotated.json().accessToken as string
  assert.deepEqual(payloadOf(next).cnf, payloadOf(alice.accessToken as string).cnf)
  assert.equal((await call(fastify, 'GET', ME, { ...alice, accessToken: next })).statusCode, 200)
})

test('a thief holding the token and the cookies but not the key can neither use nor end the login; the owner can', async (t) => {
  const fastify = await buildApp(t)
  const alice = await loggedIn(fastify)
  const thief: Credential = { cookies: { ...alice.cookies }, accessToken: alice.accessToken as string, dpop: dpopKey() }
  assertRefused(await call(fastify, 'GET', ME, thief), 'DPOP_KEY_MISMATCH', 'the thief’s replay')
  const thiefLogout = await call(fastify, 'POST', '/api/jwt-dpop/logout', thief)
  assert.equal(thiefLogout.statusCode, 204, 'logout is harmless')
  assert.equal((await call(fastify, 'GET', ME, alice)).statusCode, 200, 'the owner’s page keeps working')
  const rotated = await refresh(fastify, 'jwt-dpop', alice)
  assert.equal(rotated.statusCode, 200, 'and its login was not ended by the thief')
  alice.cookies.rt = rotated.cookies.find((cookie) => cookie.name === 'rt')?.value as string
  alice.accessToken = rotated.json().accessToken as string

  const unproven = await fastify.inject({ method: 'POST', url: '/api/jwt-dpop/logout', headers: { authorization: `DPoP ${alice.accessToken}` } })
  assertRefused(unproven, 'DPOP_PROOF_MISSING', 'logout without a proof')
  assert.equal((await call(fastify, 'POST', '/api/jwt-dpop/logout', alice)).statusCode, 204)
  assert.equal((await refresh(fastify, 'jwt-dpop', alice)).statusCode, 401, 'the owner’s logout ended the login')
  assert.equal((await call(fastify, 'POST', '/api/jwt-dpop/logout', alice)).statusCode, 204, 'a second logout is harmless')
})

test('htu is the URL the browser used: X-Forwarded-Host and -Proto are believed from the API’s own proxy only', async (t) => {
  const fastify = await buildApp(t)
  const alice = await loggedIn(fastify)
  const key = alice.dpop as NonNullable<Credential['dpop']>
  const token = alice.accessToken as string
  const publicMe = `https://lab.example:3000${ME}`
  const forwarded = { 'x-forwarded-host': 'lab.example:3000', 'x-forwarded-proto': 'https' }
  const send = (htu: string, remoteAddress: string) =>
    fastify.inject({
      method: 'GET',
      url: ME,
      remoteAddress,
      headers: { ...forwarded, authorization: `DPoP ${token}`, dpop: dpopProof(key, 'GET', htu, { accessToken: token }) },
    })
  assert.equal((await send(publicMe, '127.0.0.1')).statusCode, 200, 'through the trusted proxy, the public URL')
  assertRefused(await send(ME, '127.0.0.1'), 'DPOP_PROOF_WRONG_TARGET', 'through the proxy, the API’s own URL is not the one the browser used')
  assertRefused(await send(publicMe, '203.0.113.9'), 'DPOP_PROOF_WRONG_TARGET', 'a client’s own X-Forwarded-Host is not believed')
  assert.equal((await send(ME, '203.0.113.9')).statusCode, 200, 'a direct client: the Host it addressed')
})

test('Redis down: jwt-dpop answers a fast 503 STORE_UNAVAILABLE (its replay check needs Redis), jwt keeps answering', async (t) => {
  const redis = await startRedisServer()
  t.after(() => redis.stop())
  const fastify = await buildApp(t, { redisUrl: redis.url })
  const alice = await loggedIn(fastify)
  const { credential: jwt } = await login(fastify, 'jwt')
  await redis.stop()
  const started = performance.now()
  const response = await call(fastify, 'GET', ME, alice)
  const elapsed = performance.now() - started
  assert.equal(response.statusCode, 503, response.body)
  assert.equal(response.json().code, 'STORE_UNAVAILABLE')
  assert.ok(elapsed < 1500, `fast: ${elapsed.toFixed(0)} ms`)
  assert.equal((await call(fastify, 'GET', '/api/jwt/me', jwt)).statusCode, 200)
})
