import assert from 'node:assert/strict'
import { createHmac, randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { decodeUnverified, verify } from '@lab/jwt-lite'
import { customClaims } from '../../src/arbitraries.ts'
import { defineExercise, loadModule } from '../../src/exercise.ts'
import type * as Sign from './sign.ts'

const SECRET = randomBytes(32).toString('base64url')

export default defineExercise({
  files: ['sign.ts'],
  setup: (dir) => loadModule<typeof Sign>(dir, 'sign.ts'),
  checks: [
    {
      name: 'base64url uses only A-Z a-z 0-9 - _ and no padding, for any bytes',
      lookAt: "base64url: replace '+' and '/', remove the '=' at the end",
      hint: 1,
      run: ({ base64url }) => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
            assert.equal(base64url(bytes), Buffer.from(bytes).toString('base64url'), `base64url of the bytes [${[...bytes].join(', ')}]`)
          }),
        )
      },
    },
    {
      name: 'base64url encodes text as UTF-8',
      lookAt: 'base64url: Buffer.from(text) reads text as UTF-8',
      hint: 1,
      run: ({ base64url }) => {
        assert.equal(base64url('Zoë 🚀'), Buffer.from('Zoë 🚀').toString('base64url'))
      },
    },
    {
      name: 'the header is exactly {"alg":"HS256","typ":"JWT"}',
      lookAt: 'signHs256: the first segment',
      hint: 2,
      run: ({ signHs256 }) => {
        assert.deepEqual(decodeUnverified(signHs256({ sub: 'ada' }, SECRET)).header, { alg: 'HS256', typ: 'JWT' })
      },
    },
    {
      name: 'the payload segment holds the payload',
      lookAt: 'signHs256: the second segment is base64url(JSON.stringify(payload))',
      hint: 2,
      run: ({ signHs256 }) => {
        const payload = { sub: 'ada', role: 'admin', n: 42 }
        assert.deepEqual(decodeUnverified(signHs256(payload, SECRET)).payload, payload)
      },
    },
    {
      name: 'the signature is HMAC-SHA256 over "header.payload" with the secret',
      lookAt: 'signHs256: createHmac(\'sha256\', secret).update(signingInput).digest(), then base64url',
      hint: 3,
      run: ({ signHs256 }) => {
        const token = signHs256({ sub: 'ada' }, SECRET)
        const [header, payload, signature] = token.split('.')
        const expected = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url')
        assert.equal(signature, expected, 'the third segment should be the base64url HMAC of the first two joined by "."')
      },
    },
    {
      name: 'another secret gives another signature',
      lookAt: 'signHs256: the secret must be the HMAC key',
      hint: 3,
      run: ({ signHs256 }) => {
        const other = randomBytes(32).toString('base64url')
        assert.notEqual(signHs256({ sub: 'ada' }, SECRET).split('.')[2], signHs256({ sub: 'ada' }, other).split('.')[2])
      },
    },
    {
      name: '@lab/jwt-lite verifies your tokens, for any payload',
      lookAt: 'signHs256: all three segments together',
      hint: 4,
      run: ({ signHs256 }) => {
        fc.assert(
          fc.property(customClaims, (payload) => {
            assert.deepEqual(verify(signHs256(payload, SECRET), SECRET, { requireExp: false }), JSON.parse(JSON.stringify(payload)))
          }),
          { numRuns: 50 },
        )
      },
    },
  ],
})
