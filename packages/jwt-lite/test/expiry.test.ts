import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sign, verify } from '../src/index.ts'
import { HS256, NOW, NOW_MS, SECRET, forge, frozen, refuses } from './helpers.ts'

// Every clock here is frozen; each boundary is tested one millisecond either side.
const at = (seconds: number, ms = 0) => frozen(seconds * 1000 + ms)
const T = NOW

describe('exp with the default 5 s tolerance', () => {
  const token = forge(HS256, { exp: T })

  it('is accepted up to 1 ms before exp + 5 s', () => {
    assert.equal(verify(token, SECRET, { now: at(T - 3600) }).exp, T)
    assert.equal(verify(token, SECRET, { now: at(T) }).exp, T)
    assert.equal(verify(token, SECRET, { now: at(T + 5, -1) }).exp, T)
  })

  it('is refused from exp + 5 s on', () => {
    refuses(() => verify(token, SECRET, { now: at(T + 5) }), 'ERR_JWT_EXPIRED', token)
    refuses(() => verify(token, SECRET, { now: at(T + 86_400) }), 'ERR_JWT_EXPIRED', token)
  })
})

describe('exp with no tolerance follows RFC 7519: now must be before exp', () => {
  const token = forge(HS256, { exp: T })

  it('is accepted 1 ms before exp and refused at exp', () => {
    assert.equal(verify(token, SECRET, { now: at(T, -1), clockTolerance: 0 }).exp, T)
    refuses(() => verify(token, SECRET, { now: at(T), clockTolerance: 0 }), 'ERR_JWT_EXPIRED', token)
  })

  it('a larger tolerance moves the boundary with it', () => {
    assert.equal(verify(token, SECRET, { now: at(T + 60, -1), clockTolerance: 60 }).exp, T)
    refuses(() => verify(token, SECRET, { now: at(T + 60), clockTolerance: 60 }), 'ERR_JWT_EXPIRED', token)
  })
})

describe('nbf and iat may be at most 5 s in the future', () => {
  for (const [claim, code] of [['nbf', 'ERR_JWT_NOT_BEFORE'], ['iat', 'ERR_JWT_CLAIM_INVALID']] as const) {
    const token = forge(HS256, { [claim]: T, exp: T + 600 })

    it(`${claim} is accepted from ${claim} - 5 s`, () => {
      assert.equal(verify(token, SECRET, { now: at(T - 5) })[claim], T)
      assert.equal(verify(token, SECRET, { now: at(T + 300) })[claim], T)
    })

    it(`${claim} is refused 1 ms before ${claim} - 5 s, and before ${claim} with no tolerance`, () => {
      refuses(() => verify(token, SECRET, { now: at(T - 5, -1) }), code, token)
      refuses(() => verify(token, SECRET, { now: at(T, -1), clockTolerance: 0 }), code, token)
    })
  }
})

describe('a broken clock fails closed', () => {
  const token = forge(HS256, { exp: T + 600 })

  it('refuses when the clock or the tolerance is NaN', () => {
    refuses(() => verify(token, SECRET, { now: () => Number.NaN }), 'ERR_JWT_EXPIRED', token)
    refuses(() => verify(token, SECRET, { now: at(T), clockTolerance: Number.NaN }), 'ERR_JWT_EXPIRED', token)
    const notYet = forge(HS256, { nbf: T - 600 })
    refuses(() => verify(notYet, SECRET, { now: () => Number.NaN, requireExp: false }), 'ERR_JWT_NOT_BEFORE', notYet)
  })
})

describe('sign with a frozen clock', () => {
  it('stamps iat from the clock and derives exp and nbf from it', () => {
    const token = sign({ role: 'admin' }, SECRET, { now: frozen(NOW_MS + 999), expiresIn: 60, notBefore: 10 })
    assert.deepEqual(verify(token, SECRET, { now: at(T + 10) }), { role: 'admin', iat: T, exp: T + 60, nbf: T + 10 })
  })

  it('a 60 s token lives until 1 ms before iat + 65 s with the default tolerance', () => {
    const token = sign({}, SECRET, { now: at(T), expiresIn: 60 })
    assert.equal(verify(token, SECRET, { now: at(T + 59) }).exp, T + 60)
    assert.equal(verify(token, SECRET, { now: at(T + 65, -1) }).exp, T + 60)
    refuses(() => verify(token, SECRET, { now: at(T + 65) }), 'ERR_JWT_EXPIRED', token)
  })

  it('an explicit iat wins over the clock', () => {
    const token = sign({}, SECRET, { now: at(T), iat: T - 100, expiresIn: 60 })
    refuses(() => verify(token, SECRET, { now: at(T) }), 'ERR_JWT_EXPIRED', token)
  })
})
