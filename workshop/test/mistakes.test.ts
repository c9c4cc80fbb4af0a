import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { runExercise } from '../src/exercise.ts'
import { listExercises, loadChecker } from '../src/exercises.ts'

// Classic mistakes, each made once in a copy of a reference solution: the checker must catch
// every one with the check that names it, so a participant is told what is wrong, not just "fail".

interface Mistake {
  exercise: number
  file: string
  /** what the participant got wrong */
  what: string
  replace: [string | RegExp, string]
  caughtBy: string
}

const MISTAKES: Mistake[] = [
  { exercise: 1, file: 'decode.ts', what: 'reads bytes as latin1', replace: ["toString('utf8')", "toString('latin1')"], caughtBy: 'reads the bytes as UTF-8 (accents and emoji survive)' },
  { exercise: 2, file: 'sign.ts', what: 'keeps the = padding', replace: [".replace(/=+$/, '')", ''], caughtBy: 'base64url uses only A-Z a-z 0-9 - _ and no padding, for any bytes' },
  { exercise: 2, file: 'sign.ts', what: 'signs the hex text of the HMAC', replace: ['.digest()', ".digest('hex')"], caughtBy: 'the signature is HMAC-SHA256 over "header.payload" with the secret' },
  { exercise: 3, file: 'verify.ts', what: 'lets the header pick the algorithm', replace: ["if (parseSegment(header).alg !== 'HS256') throw new Error('algorithm not allowed')", "if (String(parseSegment(header).alg).toLowerCase() === 'none') return parseSegment(payload)"], caughtBy: 'refuses alg "none" in any casing, with or without a signature' },
  { exercise: 3, file: 'verify.ts', what: 'checks alg after the HMAC', replace: [/( {2}if \(parseSegment\(header\)\.alg !== 'HS256'\)[^\n]+\n)\n( {2}const expected = [^\n]+\n)/, '$2$1'], caughtBy: 'checks the algorithm before any crypto' },
  { exercise: 3, file: 'verify.ts', what: 'compares with Buffer.equals', replace: ['!timingSafeEqual(received, expected)', '!received.equals(expected)'], caughtBy: 'compares signatures in constant time with crypto.timingSafeEqual' },
  { exercise: 3, file: 'verify.ts', what: 'forgets the length check', replace: ['received.length !== expected.length || ', ''], caughtBy: 'a signature of the wrong length is refused by your code, not by a RangeError from timingSafeEqual' },
  { exercise: 4, file: 'expiry.ts', what: 'reads Date.now() instead of the given clock', replace: ['now() / 1000', 'Date.now() / 1000'], caughtBy: 'a token inside its lifetime is valid, on the clock it is given (not Date.now)' },
  { exercise: 4, file: 'expiry.ts', what: 'writes the test so NaN accepts', replace: ['if (!(seconds < exp + tolerance))', 'if (seconds >= exp + tolerance)'], caughtBy: 'fails closed: a NaN clock or tolerance never gives "valid"' },
  { exercise: 4, file: 'expiry.ts', what: 'accepts exp as a string', replace: ["typeof value === 'number' && Number.isFinite(value)", "Number.isFinite(Number(value)) && value !== null"], caughtBy: 'missing exp, or a time that is not a number, is "invalid"' },
  { exercise: 5, file: 'denylist.ts', what: 'never lets entries expire', replace: ["redis.set(key(jti), '1', 'EX', secondsLeft)", "redis.set(key(jti), '1')"], caughtBy: 'the entry expires when the token does, not later and not never' },
  { exercise: 5, file: 'denylist.ts', what: 'writes then sets the expiry: two round trips', replace: ["await redis.set(key(jti), '1', 'EX', secondsLeft)", "{ await redis.set(key(jti), '1'); await redis.expire(key(jti), secondsLeft) }"], caughtBy: 'isRevoked costs exactly one round trip, and so does revoke' },
  { exercise: 6, file: 'refresh.ts', what: 'stores the token itself', replace: ["[hash(token), familyId, userId]", '[token, familyId, userId]'], caughtBy: 'the table never holds a token itself, only its hash' },
  { exercise: 6, file: 'refresh.ts', what: 'answers reuse without revoking the family', replace: ["  await db.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [old.family_id])\n", ''], caughtBy: 'presenting a used token again is reuse: "reused", and the whole family is revoked' },
  { exercise: 7, file: 'round-trips.ts', what: 'splits Server-Timing on every comma', replace: ['/(?:[^,"]|"(?:[^"\\\\]|\\\\.)*")+/g', '/[^,]+/g'], caughtBy: 'countRoundTrips is not fooled by commas and quotes inside desc' },
  { exercise: 7, file: 'round-trips.ts', what: 'forgets the bearer token', replace: ['if (accessToken) credential.authorization', 'if (!accessToken) credential.authorization'], caughtBy: 'jwt: login, me and logout succeed and your counts match what the API recorded' },
  { exercise: 8, file: 'forge.ts', what: 'uses the kid of a real key', replace: ["{ kid: '../../../dev/null' }", "{ kid: '2025-a.key' }"], caughtBy: 'kid: a path to /dev/null makes the range sign with an empty key' },
  { exercise: 9, file: 'steal.ts', what: 'reads localStorage only', replace: ["[['localStorage', localStorage], ['sessionStorage', sessionStorage]]", "[['localStorage', localStorage]]"], caughtBy: 'readStorage finds the token inside a JSON value in sessionStorage, and nothing that is not a JWT' },
  { exercise: 9, file: 'steal.ts', what: 'takes whole values for tokens', replace: ['storage.getItem(key)?.match(/eyJ[\\w-]*\\.[\\w-]+\\.[\\w-]+/g) ?? []', "[storage.getItem(key) ?? '']"], caughtBy: 'readStorage finds the token inside a JSON value in sessionStorage, and nothing that is not a JWT' },
  { exercise: 9, file: 'steal.ts', what: 'answers the app itself instead of passing its request on', replace: ['return original.call(window, input, init)', "return Promise.resolve(new Response('{}'))"], caughtBy: "catchFromMemory catches the in-memory token from the app's next request" },
  { exercise: 9, file: 'steal.ts', what: 'leaves its fetch in place', replace: ['        window.fetch = original\n', ''], caughtBy: "while you listen, the app's own request still goes through, and fetch is the page's own again afterwards" },
  { exercise: 9, file: 'steal.ts', what: 'forgets HttpOnly', replace: ['; HttpOnly', ''], caughtBy: 'accessTokenCookie: HttpOnly, so no script of the page can read it' },
  { exercise: 9, file: 'steal.ts', what: 'scopes the cookie to the whole site', replace: ['Path=/api/jwt-cookie', 'Path=/'], caughtBy: 'accessTokenCookie: SameSite=Strict, Path=/api/jwt-cookie, and it lasts as long as the token (Max-Age)' },
]

const exercises = await listExercises()

for (const mistake of MISTAKES) {
  test(`exercise ${mistake.exercise}, a participant who ${mistake.what}, is told: ✘ ${mistake.caughtBy}`, async (t) => {
    const entry = exercises.find((e) => e.number === mistake.exercise)
    assert.ok(entry)
    const solution = await readFile(join(entry.dir, 'solution', mistake.file), 'utf8')
    const mistaken = solution.replace(...mistake.replace)
    assert.notEqual(mistaken, solution, 'the mistake applies to the current reference solution')
    const dir = await mkdtemp(join(tmpdir(), `workshop-mistake-${entry.slug}-`))
    t.after(() => rm(dir, { recursive: true, force: true }))
    await writeFile(join(dir, mistake.file), mistaken)
    const report = await runExercise(await loadChecker(entry), dir)
    assert.equal(report.setupError, undefined)
    const check = report.results.find((r) => r.name === mistake.caughtBy)
    assert.ok(check, `no check is named "${mistake.caughtBy}"`)
    assert.equal(check.ok, false, 'the checker did not catch the mistake')
  })
}
