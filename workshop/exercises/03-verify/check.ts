import assert from 'node:assert/strict'
import crypto, { createHmac, randomBytes } from 'node:crypto'
import { syncBuiltinESMExports } from 'node:module'
import { mock } from 'node:test'
import { sign } from '@lab/jwt-lite'
import { assertRefuses, defineExercise, loadModule } from '../../src/exercise.ts'
import type * as Verify from './verify.ts'

const SECRET = randomBytes(32).toString('base64url')
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const claims = () => ({ sub: 'ada', role: 'user', exp: Math.floor(Date.now() / 1000) + 60 })
const valid = () => sign(claims(), SECRET)

/** A token with any header, signed with HMAC over the given hash. */
function forge(header: object, payload: object, hash = 'sha256', secret = SECRET): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`
}

/** Counts the participant's calls to a node:crypto function while `action` runs. */
async function countCalls(name: 'createHmac' | 'timingSafeEqual', action: () => unknown): Promise<number> {
  const spy = mock.method(crypto, name)
  syncBuiltinESMExports() // so `import { createHmac } from 'node:crypto'` in the participant's file sees the spy
  try {
    await action()
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('TODO')) throw error
  } finally {
    spy.mock.restore()
    syncBuiltinESMExports()
  }
  return spy.mock.callCount()
}

export default defineExercise({
  files: ['verify.ts'],
  setup: (dir) => loadModule<typeof Verify>(dir, 'verify.ts'),
  checks: [
    {
      name: 'returns the payload of a valid token',
      lookAt: 'verifyHs256: the whole happy path',
      hint: 4,
      run: ({ verifyHs256 }) => {
        const token = valid()
        assert.deepEqual(verifyHs256(token, SECRET), JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString()))
      },
    },
    {
      name: 'refuses a token signed with another secret',
      lookAt: 'verifyHs256: the signature must be recomputed with YOUR secret and compared',
      hint: 4,
      run: ({ verifyHs256 }) =>
        assertRefuses(() => verifyHs256(sign(claims(), randomBytes(32)), SECRET), 'a token signed with another secret was accepted'),
    },
    {
      name: 'refuses a token whose payload was changed after signing (user → admin)',
      lookAt: 'verifyHs256: sign "header.payload" exactly as received',
      hint: 2,
      run: ({ verifyHs256 }) => {
        const [header, , signature] = valid().split('.')
        const tampered = `${header}.${b64({ ...claims(), role: 'admin' })}.${signature}`
        return assertRefuses(() => verifyHs256(tampered, SECRET), 'a token with a modified payload was accepted')
      },
    },
    {
      name: 'refuses alg "none" in any casing, with or without a signature',
      lookAt: "verifyHs256: compare header.alg with exactly 'HS256'",
      hint: 1,
      run: async ({ verifyHs256 }) => {
        for (const alg of ['none', 'None', 'NONE']) {
          const unsigned = `${b64({ alg, typ: 'JWT' })}.${b64({ ...claims(), role: 'admin' })}`
          await assertRefuses(() => verifyHs256(`${unsigned}.`, SECRET), `an unsigned token with alg "${alg}" was accepted`)
        }
      },
    },
    {
      name: 'accepts exactly HS256: a correct HS512 signature is still refused',
      lookAt: 'verifyHs256: an allowlist of one algorithm',
      hint: 1,
      run: async ({ verifyHs256 }) => {
        await assertRefuses(() => verifyHs256(forge({ alg: 'HS512', typ: 'JWT' }, claims(), 'sha512'), SECRET), 'an HS512 token was accepted')
        await assertRefuses(() => verifyHs256(forge({ typ: 'JWT' }, claims()), SECRET), 'a token without alg was accepted')
      },
    },
    {
      name: 'checks the algorithm before any crypto',
      lookAt: 'verifyHs256: refuse a wrong alg before calling createHmac',
      hint: 1,
      run: async ({ verifyHs256 }) => {
        for (const alg of ['none', 'RS256']) {
          const token = forge({ alg, typ: 'JWT' }, claims())
          const calls = await countCalls('createHmac', () => verifyHs256(token, SECRET))
          assert.equal(calls, 0, `createHmac was called ${calls} time(s) for a token with alg "${alg}"`)
        }
        assert.ok((await countCalls('createHmac', () => verifyHs256(valid(), SECRET))) > 0, 'createHmac is never called, even for a valid HS256 token')
      },
    },
    {
      name: 'compares signatures in constant time with crypto.timingSafeEqual',
      lookAt: 'verifyHs256: timingSafeEqual(received, expected) instead of === or Buffer.equals',
      hint: 3,
      run: async ({ verifyHs256 }) => {
        const calls = await countCalls('timingSafeEqual', () => verifyHs256(valid(), SECRET))
        assert.ok(calls > 0, 'timingSafeEqual was not called while verifying a valid token')
      },
    },
    {
      name: 'a signature of the wrong length is refused by your code, not by a RangeError from timingSafeEqual',
      lookAt: 'verifyHs256: compare the lengths before timingSafeEqual',
      hint: 3,
      run: ({ verifyHs256 }) => {
        const [header, payload] = valid().split('.')
        try {
          verifyHs256(`${header}.${payload}.${randomBytes(8).toString('base64url')}`, SECRET)
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('TODO')) throw error
          assert.notEqual((error as { code?: string }).code, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'timingSafeEqual threw on buffers of different lengths')
          return
        }
        assert.fail('a token with an 8-byte signature was accepted')
      },
    },
    {
      name: 'refuses tokens that do not have three segments',
      lookAt: 'verifyHs256: count the segments first',
      hint: 1,
      run: async ({ verifyHs256 }) => {
        const [header, payload, signature] = valid().split('.')
        await assertRefuses(() => verifyHs256(`${header}.${payload}`, SECRET), 'a token with two segments was accepted')
        await assertRefuses(() => verifyHs256(`${header}.${payload}.${signature}.extra`, SECRET), 'a token with four segments was accepted')
      },
    },
  ],
})
