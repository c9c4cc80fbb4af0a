import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { decodeUnverified, sign } from '@lab/jwt-lite'
import { customClaims } from '../../src/arbitraries.ts'
import { assertRefuses, defineExercise, loadModule } from '../../src/exercise.ts'
import type * as Decode from './decode.ts'

const SECRET = randomBytes(32)
const b64url = (text: string) => Buffer.from(text).toString('base64url')

export default defineExercise({
  files: ['decode.ts'],
  setup: (dir) => loadModule<typeof Decode>(dir, 'decode.ts'),
  checks: [
    {
      name: 'decodes a segment whose length is a multiple of 4',
      lookAt: 'base64urlToText: the basic base64 decoding',
      hint: 2,
      run: ({ base64urlToText }) => {
        assert.equal(base64urlToText('eyJhbGciOiJIUzI1NiJ9'), '{"alg":"HS256"}', 'eyJhbGciOiJIUzI1NiJ9 should decode to {"alg":"HS256"}')
      },
    },
    {
      name: 'decodes segments whose padding was dropped (length % 4 of 2 and 3)',
      lookAt: 'base64urlToText: how many "=" to add back',
      hint: 1,
      run: ({ base64urlToText }) => {
        for (const text of ['{"a":1}', '{"ab":1}', 'x', 'xy']) {
          assert.equal(base64urlToText(b64url(text)), text, `${b64url(text)} (length ${b64url(text).length}) should decode to ${text}`)
        }
      },
    },
    {
      name: "decodes base64url's own characters '-' and '_'",
      lookAt: "base64urlToText: '-' stands for '+', '_' for '/'",
      hint: 1,
      run: ({ base64urlToText }) => {
        assert.equal(base64urlToText('Pj4-Pz8_'), '>>>???', 'Pj4-Pz8_ should decode to >>>???')
      },
    },
    {
      name: 'reads the bytes as UTF-8 (accents and emoji survive)',
      lookAt: "base64urlToText: read the bytes as 'utf8'",
      hint: 2,
      run: ({ base64urlToText }) => {
        const text = '{"name":"Zoë 🚀 café"}'
        assert.equal(base64urlToText(b64url(text)), text)
      },
    },
    {
      name: 'takes real tokens apart: header, payload and signature, for any payload',
      lookAt: 'decodeToken: split, then JSON.parse header and payload; keep the signature segment as it is',
      hint: 3,
      run: ({ decodeToken }) => {
        fc.assert(
          fc.property(customClaims, (claims) => {
            const token = sign(claims, SECRET)
            const expected = decodeUnverified(token)
            assert.deepEqual(decodeToken(token), { header: expected.header, payload: expected.payload, signature: expected.signature })
          }),
          { numRuns: 50 },
        )
      },
    },
    {
      name: 'refuses a token without exactly three segments',
      lookAt: 'decodeToken: count the segments before decoding anything',
      hint: 3,
      run: async ({ decodeToken }) => {
        const [header, payload, signature] = sign({ sub: 'ada' }, SECRET).split('.') as [string, string, string]
        for (const malformed of [`${header}.${payload}`, `${header}.${payload}.${signature}.${signature}`, header]) {
          await assertRefuses(() => decodeToken(malformed), `a token with ${malformed.split('.').length} segment(s) should throw, but decodeToken returned`)
        }
      },
    },
  ],
})
