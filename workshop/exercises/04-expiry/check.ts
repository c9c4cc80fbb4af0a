import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { sign, verify, type JwtLiteError } from '@lab/jwt-lite'
import { defineExercise, loadModule } from '../../src/exercise.ts'
import type * as Expiry from './expiry.ts'

const SECRET = randomBytes(32)
/** 2001-09-09T01:46:40Z: far from today, so code that reads Date.now() gets every case wrong */
const FROZEN_MS = 1_000_000_000_000
const FROZEN = FROZEN_MS / 1000
const at = (ms: number) => () => ms
const TOLERANCE = 5

/** What @lab/jwt-lite decides for the same times: the checker's reference. */
function reference(claims: { exp?: number; nbf?: number }, nowMs: number, tolerance: number): Expiry.Verdict {
  // iat far in the past so that only exp and nbf can make the token fail
  const token = sign(claims, SECRET, { iat: Math.floor(nowMs / 1000) - 10 * 365 * 86_400 })
  try {
    verify(token, SECRET, { now: at(nowMs), clockTolerance: tolerance })
    return 'valid'
  } catch (error) {
    const code = (error as JwtLiteError).code
    if (code === 'ERR_JWT_EXPIRED') return 'expired'
    if (code === 'ERR_JWT_NOT_BEFORE') return 'not-yet-valid'
    return 'invalid'
  }
}

export default defineExercise({
  files: ['expiry.ts'],
  setup: (dir) => loadModule<typeof Expiry>(dir, 'expiry.ts'),
  checks: [
    {
      name: 'a token inside its lifetime is valid, on the clock it is given (not Date.now)',
      lookAt: 'checkTimes: read the time from options.now(), in milliseconds',
      hint: 1,
      run: ({ checkTimes }) => {
        const verdict = checkTimes({ exp: FROZEN + 60 }, { now: at(FROZEN_MS), tolerance: TOLERANCE })
        assert.equal(verdict, 'valid', 'exp 60 s after the (frozen, year 2001) clock: valid. Does the code read Date.now()?')
      },
    },
    {
      name: 'expired beyond the tolerance → "expired"; within it → "valid"',
      lookAt: 'checkTimes: now < exp + tolerance',
      hint: 3,
      run: ({ checkTimes }) => {
        assert.equal(checkTimes({ exp: FROZEN - 60 }, { now: at(FROZEN_MS), tolerance: TOLERANCE }), 'expired', 'exp 60 s ago, tolerance 5 s')
        assert.equal(checkTimes({ exp: FROZEN - 3 }, { now: at(FROZEN_MS), tolerance: TOLERANCE }), 'valid', 'exp 3 s ago, tolerance 5 s')
      },
    },
    {
      name: 'the boundary: at exactly exp + tolerance the token is expired, 1 ms before it is valid',
      lookAt: 'checkTimes: strictly less than (<), and the milliseconds kept',
      hint: 3,
      run: ({ checkTimes }) => {
        const exp = FROZEN
        assert.equal(checkTimes({ exp }, { now: at((exp + TOLERANCE) * 1000), tolerance: TOLERANCE }), 'expired', 'now = exp + tolerance')
        assert.equal(checkTimes({ exp }, { now: at((exp + TOLERANCE) * 1000 - 1), tolerance: TOLERANCE }), 'valid', 'now = exp + tolerance − 1 ms')
      },
    },
    {
      name: 'nbf in the future beyond the tolerance → "not-yet-valid"; within it → "valid"',
      lookAt: 'checkTimes: now >= nbf - tolerance',
      hint: 4,
      run: ({ checkTimes }) => {
        const exp = FROZEN + 3600
        assert.equal(checkTimes({ exp, nbf: FROZEN + 60 }, { now: at(FROZEN_MS), tolerance: TOLERANCE }), 'not-yet-valid', 'nbf in 60 s')
        assert.equal(checkTimes({ exp, nbf: FROZEN + 3 }, { now: at(FROZEN_MS), tolerance: TOLERANCE }), 'valid', 'nbf in 3 s, tolerance 5 s')
      },
    },
    {
      name: 'missing exp, or a time that is not a number, is "invalid"',
      lookAt: 'checkTimes: typeof === "number" and Number.isFinite, before any comparison',
      hint: 2,
      run: ({ checkTimes }) => {
        const options = { now: at(FROZEN_MS), tolerance: TOLERANCE }
        assert.equal(checkTimes({}, options), 'invalid', 'no exp at all')
        assert.equal(checkTimes({ exp: String(FROZEN + 60) }, options), 'invalid', 'exp is the string "1000000060"')
        assert.equal(checkTimes({ exp: FROZEN + 60, nbf: 'yesterday' }, options), 'invalid', 'nbf is the string "yesterday"')
        assert.equal(checkTimes({ exp: null }, options), 'invalid', 'exp is null')
      },
    },
    {
      name: 'fails closed: a NaN clock or tolerance never gives "valid"',
      lookAt: 'checkTimes: write the tests as "refuse unless (valid)"',
      hint: 3,
      run: ({ checkTimes }) => {
        assert.notEqual(checkTimes({ exp: FROZEN + 60 }, { now: at(Number.NaN), tolerance: TOLERANCE }), 'valid', 'the clock says NaN')
        assert.notEqual(checkTimes({ exp: FROZEN + 60 }, { now: at(FROZEN_MS), tolerance: Number.NaN }), 'valid', 'the tolerance is NaN')
      },
    },
    {
      name: 'agrees with @lab/jwt-lite on random times, tolerances and claims',
      lookAt: 'checkTimes: the order of the checks (exp first, then nbf)',
      hint: 4,
      run: ({ checkTimes }) => {
        const time = fc.integer({ min: FROZEN - 100, max: FROZEN + 100 })
        fc.assert(
          fc.property(time, fc.option(time, { nil: undefined }), fc.integer({ min: (FROZEN - 100) * 1000, max: (FROZEN + 100) * 1000 }), fc.integer({ min: 0, max: 30 }), (exp, nbf, nowMs, tolerance) => {
            const claims = nbf === undefined ? { exp } : { exp, nbf }
            assert.equal(checkTimes(claims, { now: at(nowMs), tolerance }), reference(claims, nowMs, tolerance), `exp ${exp}, nbf ${nbf}, now ${nowMs / 1000}, tolerance ${tolerance}`)
          }),
          { numRuns: 300 },
        )
      },
    },
  ],
})
