// The inspector's token handling, on real tokens: Ed25519 signed by Node's crypto, verified by the
// same WebCrypto code the browser runs.
import assert from 'node:assert/strict'
import { generateKeyPairSync, sign } from 'node:crypto'
import { test } from 'node:test'
import { alterSignature, decodeToken, describeEdits, signatureBytes, verifyWithJwks, type DecodedToken, type Jwk } from '../src/lib/jwt.ts'
import { absoluteTime, relativeTime } from '../src/lib/token-notes.ts'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

function ed25519Token(claims: object, kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const input = `${b64({ alg: 'EdDSA', typ: 'JWT', kid })}.${b64(claims)}`
  const token = `${input}.${sign(null, Buffer.from(input), privateKey).toString('base64url')}`
  const jwk = { ...(publicKey.export({ format: 'jwk' }) as Jwk), kid, alg: 'EdDSA' }
  return { token, jwk }
}

const decoded = (token: string) => decodeToken(token) as DecodedToken

test('an EdDSA token verifies in WebCrypto with the JWKS key its kid names, and nothing else does', async () => {
  const { token, jwk } = ed25519Token({ sub: 'alice', role: 'user' }, 'key-1')
  const other = ed25519Token({ sub: 'alice' }, 'key-2')
  assert.deepEqual(await verifyWithJwks(token, [other.jwk, jwk]), { valid: true, kid: 'key-1' })

  const [header, payload, signature] = token.split('.') as [string, string, string]
  const asAdmin = `${header}.${b64({ sub: 'alice', role: 'admin' })}.${signature}`
  assert.deepEqual(await verifyWithJwks(asAdmin, [jwk]), { valid: false, kid: 'key-1', why: 'bad signature' })
  assert.deepEqual(await verifyWithJwks(`${header}.${payload}.${alterSignature(signature)}`, [jwk]), { valid: false, kid: 'key-1', why: 'bad signature' })
  assert.deepEqual(await verifyWithJwks(`${header}.${payload}.`, [jwk]), { valid: false, kid: 'key-1', why: 'no signature' })
  assert.deepEqual(await verifyWithJwks(token, [other.jwk]), { valid: false, kid: 'key-1', why: 'unknown kid' })
  // The same key under the other kid: a kid names a key, and the wrong one does not verify.
  const swapped = `${b64({ alg: 'EdDSA', typ: 'JWT', kid: 'key-2' })}.${payload}.${signature}`
  assert.equal((await verifyWithJwks(swapped, [jwk, other.jwk])).valid, false)
  const none = `${b64({ alg: 'none' })}.${payload}.`
  assert.deepEqual(await verifyWithJwks(none, [jwk]), { valid: false, kid: null, why: 'not EdDSA' })
})

test('edits are listed member by member, and the signature says whether it was dropped or altered', () => {
  const token = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'u1', role: 'user', exp: 100 })}.c2lnbmF0dXJl`
  const original = decoded(token)
  assert.deepEqual(describeEdits(original, original), [])
  const edited = {
    header: { alg: 'none', typ: 'JWT', kid: 'x' },
    payload: { sub: 'u1', role: 'admin' },
    signature: '',
  }
  assert.deepEqual(describeEdits(original, edited), [
    'header.alg: "HS256" → "none"',
    'header.kid: (absent) → "x"',
    'payload.role: "user" → "admin"',
    'payload.exp: 100 → (absent)',
    'signature dropped',
  ])
  assert.deepEqual(describeEdits(original, { ...original, signature: alterSignature(original.signature) }), ['signature altered'])
  assert.notEqual(alterSignature(original.signature), original.signature)
})

test('decoding keeps the parts as they came, and says what is wrong with what is not a token', () => {
  const token = `${b64({ alg: 'HS256' })}.${b64({ note: '<img src=x onerror=alert(1)>' })}.${Buffer.alloc(32).toString('base64url')}`
  const result = decoded(token)
  assert.deepEqual(result.segments, token.split('.'))
  assert.equal(result.payload.note, '<img src=x onerror=alert(1)>')
  assert.equal(signatureBytes(result.signature), 32)
  assert.equal(signatureBytes('not/base64'), null)
  assert.match((decodeToken('a.b') as { error: string }).error, /3 parts/)
  assert.match((decodeToken(`${b64([1])}.${b64({})}.x`) as { error: string }).error, /header is not a JSON object/)
})

test('times read as people say them: relative to now, and absolute with the offset from UTC', () => {
  const now = 1_800_000_000_000
  assert.equal(relativeTime(now / 1000 + 112, now), 'in 1 min 52 s')
  assert.equal(relativeTime(now / 1000 - 3, now), '3 s ago')
  assert.equal(relativeTime(now / 1000 + 3 * 3600 + 61, now), 'in 3 h 1 min')
  assert.equal(relativeTime(now / 1000, now), 'now')
  assert.match(absoluteTime(now / 1000), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC[+−]\d\d:\d\d$/)
})
