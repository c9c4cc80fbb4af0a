import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fastifyJwt from '@fastify/jwt'
import fc from 'fast-check'
import Fastify, { type FastifyInstance } from 'fastify'
import { sign, verify } from '../src/index.ts'
import { SECRET } from './helpers.ts'

// Registered claims are set by the signers, and "__proto__" keys are refused by jwt-lite by
// design (see attacks.test.ts); every other JSON object must survive both ways unchanged.
const RESERVED = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti'])
const payloads = fc
  .dictionary(
    fc.string({ unit: 'binary' }).filter((key) => !RESERVED.has(key)),
    fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }),
    { maxKeys: 8 },
  )
  .filter((payload) => {
    const json = JSON.stringify(payload)
    return !json.includes('"__proto__"') && json.length < 4096
  })
// JSON cannot carry -0 or undefined members; compare with what a JSON round trip keeps.
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value))
const RUNS = 100

describe('interop with @fastify/jwt (fast-jwt), HS256 only', () => {
  let app: FastifyInstance

  before(async () => {
    app = Fastify()
    await app.register(fastifyJwt, {
      secret: SECRET,
      sign: { algorithm: 'HS256', expiresIn: '10m' },
      verify: { algorithms: ['HS256'] },
    })
    await app.ready()
  })
  after(() => app.close())

  it('tokens jwt-lite signs verify in @fastify/jwt with equal payloads', () => {
    fc.assert(
      fc.property(payloads, (payload) => {
        const token = sign(payload, SECRET, { expiresIn: 600 })
        const theirs: unknown = app.jwt.verify(token)
        const ours = verify(token, SECRET)
        assert.deepStrictEqual(theirs, ours)
        assert.deepStrictEqual(theirs, asJson({ ...payload, iat: ours.iat, exp: ours.exp }))
      }),
      { numRuns: RUNS },
    )
  })

  it('tokens @fastify/jwt signs verify in jwt-lite with equal payloads', () => {
    fc.assert(
      fc.property(payloads, (payload) => {
        const token = app.jwt.sign(payload)
        const ours = verify(token, SECRET)
        const theirs: unknown = app.jwt.verify(token)
        assert.deepStrictEqual(ours, theirs)
        assert.deepStrictEqual(ours, asJson({ ...payload, iat: ours.iat, exp: ours.exp }))
        assert.equal(ours.exp, (ours.iat ?? 0) + 600)
      }),
      { numRuns: RUNS },
    )
  })

  it('a token one side rejects for its signature, the other rejects too', () => {
    fc.assert(
      fc.property(payloads, (payload) => {
        const token = sign(payload, 'some-other-secret-that-is-32-bytes!', { expiresIn: 600 })
        assert.throws(() => app.jwt.verify(token))
        assert.throws(() => verify(token, SECRET), { code: 'ERR_JWT_SIGNATURE_INVALID' })
      }),
      { numRuns: RUNS },
    )
  })
})
