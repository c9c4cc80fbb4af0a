import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hmacSha256, toHmacKey } from '../src/hs256.ts'
import { decodeUnverified, verify } from '../src/index.ts'
import { refuses } from './helpers.ts'

// RFC 7515 Appendix A.1: the header and payload contain CR LF line breaks, and the signature is
// over those exact bytes, which is why a JWT is verified over the segments as sent, never
// over re-serialised JSON.
const HEADER_JSON = '{"typ":"JWT",\r\n "alg":"HS256"}'
const PAYLOAD_JSON = '{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}'
const HEADER_SEGMENT = 'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9'
const PAYLOAD_SEGMENT =
  'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ'
const SIGNATURE = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const JWK_K = 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow'
const KEY = Buffer.from(JWK_K, 'base64url')
const TOKEN = `${HEADER_SEGMENT}.${PAYLOAD_SEGMENT}.${SIGNATURE}`
const EXP_MS = 1300819380 * 1000

describe('RFC 7515 Appendix A.1 (HS256)', () => {
  it('encodes the RFC header and payload bytes, line breaks included, to the RFC segments', () => {
    assert.equal(Buffer.from(HEADER_JSON).toString('base64url'), HEADER_SEGMENT)
    assert.equal(Buffer.from(PAYLOAD_JSON).toString('base64url'), PAYLOAD_SEGMENT)
  })

  it('computes the RFC signature over the RFC signing input, byte for byte', () => {
    assert.equal(KEY.length, 64)
    const signature = hmacSha256(`${HEADER_SEGMENT}.${PAYLOAD_SEGMENT}`, toHmacKey(KEY))
    assert.equal(signature.toString('base64url'), SIGNATURE)
  })

  it('verifies the RFC token with a clock set before its exp', () => {
    const claims = verify(TOKEN, KEY, { now: () => EXP_MS - 60_000 })
    assert.deepEqual(claims, { iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true })
  })

  it('refuses the RFC token once its exp has passed', () => {
    refuses(() => verify(TOKEN, KEY, { now: () => EXP_MS + 5_000 }), 'ERR_JWT_EXPIRED', TOKEN)
  })

  it('decodes the RFC header with its line breaks intact', () => {
    assert.deepEqual(decodeUnverified(TOKEN).header, { typ: 'JWT', alg: 'HS256' })
    assert.equal(decodeUnverified(TOKEN).signature, SIGNATURE)
  })
})
