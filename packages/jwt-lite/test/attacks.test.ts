import assert from 'node:assert/strict'
import { createSecretKey, generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, it } from 'node:test'
import { decodeUnverified, sign, verify } from '../src/index.ts'
import { HS256, NOW, SECRET, claims, forge, frozen, refuses } from './helpers.ts'

const now = frozen()
const valid = forge(HS256, claims())
const [validHeader, validPayload, validSignature] = valid.split('.') as [string, string, string]
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

describe('a well-formed token', () => {
  it('verifies, which is what makes every refusal below meaningful', () => {
    assert.deepEqual(verify(valid, SECRET, { now }), claims())
  })
})

describe('algorithm attacks are refused before any crypto', () => {
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    it(`alg "${alg}" with the signature stripped is malformed`, () => {
      const unsigned = `${forge({ alg, typ: 'JWT' }, claims()).split('.').slice(0, 2).join('.')}.`
      refuses(() => verify(unsigned, SECRET, { now }), 'ERR_JWT_MALFORMED', unsigned)
    })

    it(`alg "${alg}" with any signature is not allowed`, () => {
      const token = forge({ alg, typ: 'JWT' }, claims())
      refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_ALG_NOT_ALLOWED', token)
    })
  }

  it('a header without alg is not allowed', () => {
    const token = forge({ typ: 'JWT' }, claims())
    refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_ALG_NOT_ALLOWED', token)
  })

  // Each token below carries a MAC made with the right secret: only the header's alg is wrong,
  // so the refusal can only come from the allowlist.
  for (const alg of ['HS384', 'HS512', 'RS256', 'ES256', 'PS256', 'EdDSA', 'hs256', 'HS256 ']) {
    it(`alg "${alg}" is not allowed even with a valid HMAC`, () => {
      const token = forge({ alg, typ: 'JWT' }, claims())
      refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_ALG_NOT_ALLOWED', token)
    })
  }

  it('the allowlist answers first: a wrong alg with a wrong MAC is "not allowed", not "invalid"', () => {
    const token = forge({ alg: 'HS384', typ: 'JWT' }, claims(), 'not-the-secret-not-the-secret-!!')
    refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_ALG_NOT_ALLOWED', token)
  })

  it('an RSA public key is refused as a secret, as KeyObject or as PEM (key confusion)', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const confused = forge(HS256, claims(), pem)
    refuses(() => verify(confused, publicKey, { now }), 'ERR_JWT_SECRET_INVALID')
    refuses(() => verify(confused, pem, { now }), 'ERR_JWT_SECRET_INVALID')
    refuses(() => sign({}, pem), 'ERR_JWT_SECRET_INVALID')
  })

  it('a psychic all-zero signature is refused, under HS256 and under ES256', () => {
    const zeros = Buffer.alloc(32).toString('base64url')
    const hs = `${validHeader}.${validPayload}.${zeros}`
    refuses(() => verify(hs, SECRET, { now }), 'ERR_JWT_SIGNATURE_INVALID', hs)
    const es = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${validPayload}.${Buffer.alloc(64).toString('base64url')}`
    refuses(() => verify(es, SECRET, { now }), 'ERR_JWT_ALG_NOT_ALLOWED', es)
  })

  it('a null or truncated signature is refused', () => {
    for (const signature of ['null', 'AA', validSignature.slice(0, 40)]) {
      const token = `${validHeader}.${validPayload}.${signature}`
      const code = signature.length % 4 === 1 ? 'ERR_JWT_MALFORMED' : 'ERR_JWT_SIGNATURE_INVALID'
      refuses(() => verify(token, SECRET, { now }), code, token)
    }
  })
})

describe('signature attacks', () => {
  it('a token signed with another secret is refused', () => {
    const token = forge(HS256, claims(), 'another-secret-of-at-least-32-bytes!')
    refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_SIGNATURE_INVALID', token)
  })

  it('the signature of another token is refused', () => {
    const other = forge(HS256, claims({ sub: 'grace' })).split('.')[2]
    const spliced = `${validHeader}.${validPayload}.${other}`
    refuses(() => verify(spliced, SECRET, { now }), 'ERR_JWT_SIGNATURE_INVALID', spliced)
  })

  it('a payload edited after signing is refused', () => {
    const edited = `${validHeader}.${Buffer.from(JSON.stringify(claims({ role: 'admin' }))).toString('base64url')}.${validSignature}`
    refuses(() => verify(edited, SECRET, { now }), 'ERR_JWT_SIGNATURE_INVALID', edited)
  })
})

describe('weak and blank secrets', () => {
  it('refuses blank and 31-byte secrets on sign and verify, accepts 32 bytes in every form', () => {
    for (const weak of ['', ' ', 'x'.repeat(31), Buffer.alloc(0), new Uint8Array(31)]) {
      refuses(() => sign({}, weak), 'ERR_JWT_SECRET_WEAK')
      refuses(() => verify(valid, weak, { now }), 'ERR_JWT_SECRET_WEAK')
    }
    const bytes = Buffer.from(SECRET)
    for (const secret of [SECRET, bytes, new Uint8Array(bytes), createSecretKey(bytes)]) {
      assert.equal(verify(sign({}, secret, { now, expiresIn: 60 }), SECRET, { now }).exp, NOW + 60)
    }
  })

  it('refuses a secret that is not text, bytes or a secret key', () => {
    refuses(() => verify(valid, 42 as unknown as string), 'ERR_JWT_SECRET_INVALID')
  })
})

describe('header parameters that locate keys are never used', () => {
  it('kid, jku, x5u, jwk and x5c neither choose the key nor cause a request', async () => {
    let requests = 0
    const server = createServer((_req, res) => {
      requests += 1
      res.end('{"keys":[]}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`
    const attackerKey = 'the-attacker-knows-this-32B-key!!'
    const header = {
      ...HS256,
      kid: "../../../dev/null' OR '1'='1",
      jku: url,
      x5u: url,
      jwk: { kty: 'oct', k: Buffer.from(attackerKey).toString('base64url') },
      x5c: ['MIIB'],
    }
    try {
      const forged = forge(header, claims({ role: 'admin' }), attackerKey)
      refuses(() => verify(forged, SECRET, { now }), 'ERR_JWT_SIGNATURE_INVALID', forged)

      const honest = forge(header, claims())
      const result: unknown = verify(honest, SECRET, { now })
      assert.ok(!(result instanceof Promise), 'verify is synchronous')
      assert.deepEqual(result, claims())

      await sleep(100)
      assert.equal(requests, 0)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

describe('crit', () => {
  for (const crit of [['exp'], ['b64'], []]) {
    it(`a crit header ${JSON.stringify(crit)} is refused even when correctly signed`, () => {
      const token = forge({ ...HS256, crit, b64: false, exp: 1 }, claims())
      refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_CRIT_UNSUPPORTED', token)
    })
  }
})

describe('claims', () => {
  it('refuses an expired token, a future nbf and a future iat', () => {
    const expired = forge(HS256, claims({ exp: NOW - 60 }))
    refuses(() => verify(expired, SECRET, { now }), 'ERR_JWT_EXPIRED', expired)
    const early = forge(HS256, claims({ nbf: NOW + 60 }))
    refuses(() => verify(early, SECRET, { now }), 'ERR_JWT_NOT_BEFORE', early)
    const future = forge(HS256, claims({ iat: NOW + 60 }))
    assert.equal(refuses(() => verify(future, SECRET, { now }), 'ERR_JWT_CLAIM_INVALID', future).claim, 'iat')
  })

  it('requires exp unless told not to', () => {
    const eternal = forge(HS256, { sub: 'ada' })
    assert.equal(refuses(() => verify(eternal, SECRET, { now }), 'ERR_JWT_CLAIM_INVALID', eternal).claim, 'exp')
    assert.deepEqual(verify(eternal, SECRET, { now, requireExp: false }), { sub: 'ada' })
  })

  it('checks the issuer and the audience when given', () => {
    const token = forge(HS256, claims({ iss: 'lab', aud: ['api', 'web'] }))
    assert.equal(verify(token, SECRET, { now, issuer: 'lab', audience: 'web' }).sub, 'ada')
    assert.equal(verify(token, SECRET, { now, audience: ['admin', 'api'] }).sub, 'ada')
    assert.equal(refuses(() => verify(token, SECRET, { now, issuer: 'evil' }), 'ERR_JWT_CLAIM_MISMATCH', token).claim, 'iss')
    assert.equal(refuses(() => verify(token, SECRET, { now, audience: 'admin' }), 'ERR_JWT_CLAIM_MISMATCH', token).claim, 'aud')
    assert.equal(refuses(() => verify(token, SECRET, { now, audience: [] }), 'ERR_JWT_CLAIM_MISMATCH', token).claim, 'aud')
    const bare = forge(HS256, claims())
    refuses(() => verify(bare, SECRET, { now, issuer: 'lab' }), 'ERR_JWT_CLAIM_MISMATCH', bare)
    refuses(() => verify(bare, SECRET, { now, audience: 'api' }), 'ERR_JWT_CLAIM_MISMATCH', bare)
  })

  const wrongTypes: Array<[string, unknown]> = [
    ['exp', String(NOW + 600)],
    ['exp', null],
    ['nbf', true],
    ['iat', [NOW]],
    ['iss', 42],
    ['sub', { id: 1 }],
    ['jti', null],
    ['aud', 7],
    ['aud', ['api', 7]],
    ['aud', { api: true }],
  ]
  for (const [claim, value] of wrongTypes) {
    it(`refuses "${claim}": ${JSON.stringify(value)}`, () => {
      const token = forge(HS256, claims({ [claim]: value }))
      assert.equal(refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_CLAIM_INVALID', token).claim, claim)
    })
  }
})

describe('payloads and headers that are not JSON objects', () => {
  for (const payload of ['[]', '"ada"', '42', 'null', 'true', '{"sub":', 'not json']) {
    it(`refuses the signed payload ${payload}`, () => {
      const token = forge(HS256, payload)
      refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_MALFORMED', token)
    })
  }

  it('refuses a payload that is not UTF-8', () => {
    const token = forge(HS256, Buffer.from([0x7b, 0xff, 0x7d]))
    refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_MALFORMED', token)
  })

  for (const header of ['["HS256"]', '"HS256"', 'null']) {
    it(`refuses the header ${header}`, () => {
      const token = forge(header, claims())
      refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_MALFORMED', token)
    })
  }
})

describe('__proto__ keys', () => {
  const pollutions = [
    `{"__proto__":{"polluted":true},"exp":${NOW + 600}}`,
    `{"exp":${NOW + 600},"nested":{"__proto__":{"polluted":true}}}`,
  ]
  for (const payload of pollutions) {
    it(`refuses ${payload} and nothing is polluted`, () => {
      const token = forge(HS256, payload)
      refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_MALFORMED', token)
      refuses(() => decodeUnverified(token), 'ERR_JWT_MALFORMED', token)
      assert.equal(({} as Record<string, unknown>).polluted, undefined)
      assert.equal(Object.getPrototypeOf({}), Object.prototype)
    })
  }

  it('refuses a __proto__ key in the header before any crypto', () => {
    const token = forge('{"alg":"HS256","__proto__":{"alg":"none"}}', claims(), 'wrong-secret-wrong-secret-wrong!!')
    refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_MALFORMED', token)
  })
})

describe('canonical base64url only', () => {
  // Node's decoder accepts each of these spellings and returns the same bytes, which is the
  // point: the token means the same thing but is not the same string.
  function refusedRespelling(token: string, respelled: string): void {
    const bytes = (t: string) => t.split('.').map((s) => Buffer.from(s, 'base64url').toString('hex'))
    assert.notEqual(respelled, token)
    assert.deepEqual(bytes(respelled), bytes(token))
    refuses(() => verify(respelled, SECRET, { now }), 'ERR_JWT_MALFORMED', respelled)
  }

  it('refuses "=" padding', () => {
    const segments = valid.split('.')
    const unpadded = segments.filter((segment) => segment.length % 4 !== 0)
    assert.ok(unpadded.length > 0)
    for (const segment of unpadded) {
      const padded = segment.padEnd(Math.ceil(segment.length / 4) * 4, '=')
      refusedRespelling(valid, valid.replace(segment, padded))
    }
  })

  it('refuses "+" and "/" from standard base64', () => {
    let token = valid
    for (let jti = 0; !/[-_]/.test(token.split('.')[2] ?? ''); jti += 1) {
      token = forge(HS256, claims({ jti: String(jti) }))
    }
    const [h, p, s] = token.split('.') as [string, string, string]
    refusedRespelling(token, `${h}.${p}.${s.replaceAll('-', '+').replaceAll('_', '/')}`)
  })

  it('refuses non-zero trailing bits', () => {
    // 32 bytes take 43 characters; the last one carries 4 data bits and 2 bits that must be 0.
    const last = validSignature.at(-1) ?? ''
    const flipped = ALPHABET[ALPHABET.indexOf(last) ^ 1] ?? ''
    refusedRespelling(valid, `${validHeader}.${validPayload}.${validSignature.slice(0, -1)}${flipped}`)
  })

  it('refuses whitespace inside or around the token', () => {
    const middle = `${validPayload.slice(0, 8)} ${validPayload.slice(8)}`
    refusedRespelling(valid, `${validHeader}.${middle}.${validSignature}`)
    refusedRespelling(valid, `${validHeader}.${validPayload}.${validSignature}\n`)
    refusedRespelling(valid, ` ${valid}`)
  })
})

describe('shape and size', () => {
  for (const token of ['', '.', '..', 'abc', `${validHeader}.${validPayload}`, `${valid}.${validSignature}`, `${validHeader}..${validSignature}`]) {
    it(`refuses ${token.split('.').length} segment(s): "${token.slice(0, 12)}…"`, () => {
      refuses(() => verify(token, SECRET, { now }), 'ERR_JWT_MALFORMED')
    })
  }

  it('refuses a non-string token', () => {
    refuses(() => verify(null as unknown as string, SECRET, { now }), 'ERR_JWT_MALFORMED')
  })

  it('refuses an oversized token, validly signed, before reading it', () => {
    const big = forge(HS256, claims({ padding: 'x'.repeat(8 * 1024) }))
    refuses(() => verify(big, SECRET, { now }), 'ERR_JWT_TOO_LARGE', big)
    refuses(() => verify('!'.repeat(1024 * 1024), SECRET, { now }), 'ERR_JWT_TOO_LARGE')
    assert.equal(verify(big, SECRET, { now, maxTokenLength: big.length }).sub, 'ada')
    refuses(() => verify(big, SECRET, { now, maxTokenLength: big.length - 1 }), 'ERR_JWT_TOO_LARGE', big)
    refuses(() => verify(valid, SECRET, { now, maxTokenLength: Number.NaN }), 'ERR_JWT_TOO_LARGE', valid)
  })
})
