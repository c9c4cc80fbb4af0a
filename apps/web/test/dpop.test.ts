import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose'
import { createDpopKey, isDpopPath, signDpopProof } from '../src/lib/dpop.ts'

test('the key is made for signing and its private half cannot be exported', async () => {
  const key = await createDpopKey()
  assert.equal(key.privateKey.extractable, false)
  await assert.rejects(crypto.subtle.exportKey('pkcs8', key.privateKey), { name: 'InvalidAccessError' })
  assert.deepEqual(key.privateKey.usages, ['sign'])
})

test('a proof is a dpop+jwt the API’s checks accept: its own public key, htm, htu without query, a fresh jti, iat now, ath of the token', async () => {
  const key = await createDpopKey()
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln'
  const proof = await signDpopProof(key, 'GET', 'http://127.0.0.1:3000/api/jwt-dpop/me?x=1#y', token)
  const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] })
  assert.equal(protectedHeader.alg, 'ES256')
  assert.deepEqual(Object.keys(protectedHeader.jwk ?? {}).sort(), ['crv', 'kty', 'x', 'y'], 'the public key only')
  assert.equal(payload.htm, 'GET')
  assert.equal(payload.htu, 'http://127.0.0.1:3000/api/jwt-dpop/me')
  assert.equal(payload.ath, createHash('sha256').update(token).digest('base64url'))
  assert.ok(Math.abs((payload.iat as number) - Date.now() / 1000) < 5)
  const again = await signDpopProof(key, 'GET', 'http://127.0.0.1:3000/api/jwt-dpop/me', token)
  assert.notEqual((await jwtVerify(again, EmbeddedJWK)).payload.jti, payload.jti, 'a fresh jti per proof')
  assert.equal(
    await calculateJwkThumbprint(decodeProtectedHeader(again).jwk as object),
    await calculateJwkThumbprint(protectedHeader.jwk as object),
    'one key, one thumbprint',
  )
  const login = await signDpopProof(key, 'POST', 'http://127.0.0.1:3000/api/jwt-dpop/login')
  assert.equal((await jwtVerify(login, EmbeddedJWK)).payload.ath, undefined, 'no token, no ath')
})

test('only the DPoP strategies’ paths carry a proof', () => {
  assert.equal(isDpopPath('/api/jwt-dpop/me'), true)
  assert.equal(isDpopPath('/api/jwt/me'), false)
  assert.equal(isDpopPath('/api/jwt-dpopx/me'), false)
})
