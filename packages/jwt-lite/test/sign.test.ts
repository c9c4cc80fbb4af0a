import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeUnverified, sign, verify } from '../src/index.ts'
import { NOW, SECRET, frozen, refuses } from './helpers.ts'

const now = frozen()

describe('sign', () => {
  it('writes the header {"alg":"HS256","typ":"JWT"} byte for byte', () => {
    const [header] = sign({}, SECRET, { now, expiresIn: 60 }).split('.')
    assert.equal(Buffer.from(header ?? '', 'base64url').toString(), '{"alg":"HS256","typ":"JWT"}')
  })

  it('sets every registered claim from options, replacing same-named payload keys', () => {
    const token = sign({ sub: 'overwritten', role: 'admin' }, SECRET, {
      now,
      expiresIn: 900,
      notBefore: 0,
      issuer: 'lab',
      audience: ['api', 'web'],
      subject: 'ada',
      jwtId: 'j-1',
    })
    assert.deepEqual(verify(token, SECRET, { now, issuer: 'lab', audience: 'api' }), {
      sub: 'ada',
      role: 'admin',
      iat: NOW,
      exp: NOW + 900,
      nbf: NOW,
      iss: 'lab',
      aud: ['api', 'web'],
      jti: 'j-1',
    })
  })

  it('refuses registered claims of the wrong type instead of signing a token verify would refuse', () => {
    refuses(() => sign({ exp: '1h' as unknown as number }, SECRET), 'ERR_JWT_CLAIM_INVALID')
    refuses(() => sign({}, SECRET, { expiresIn: Number.NaN }), 'ERR_JWT_CLAIM_INVALID')
    refuses(() => sign({}, SECRET, { audience: [1] as unknown as string[] }), 'ERR_JWT_CLAIM_INVALID')
  })

  it('refuses a payload that is not a plain object', () => {
    for (const payload of [[], 'ada', 42, null, new Date(0), new Map()]) {
      assert.throws(() => sign(payload as never, SECRET), TypeError)
    }
  })
})

describe('decodeUnverified', () => {
  it('returns header, payload and signature without checking the signature or the clock', () => {
    const token = sign({ role: 'admin' }, SECRET, { now, expiresIn: -3600 })
    const forgedSignature = `${token.slice(0, token.lastIndexOf('.'))}.${Buffer.alloc(32).toString('base64url')}`
    assert.deepEqual(decodeUnverified(forgedSignature), {
      header: { alg: 'HS256', typ: 'JWT' },
      payload: { role: 'admin', iat: NOW, exp: NOW - 3600 },
      signature: Buffer.alloc(32).toString('base64url'),
    })
  })

  it('still refuses what cannot be taken apart', () => {
    refuses(() => decodeUnverified('a.b'), 'ERR_JWT_MALFORMED')
    refuses(() => decodeUnverified('x'.repeat(9000)), 'ERR_JWT_TOO_LARGE')
  })
})
