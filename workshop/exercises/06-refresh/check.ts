import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import pg from 'pg'
import { defineExercise, loadModule, SetupError } from '../../src/exercise.ts'
import { DATABASE_URL } from '../../src/stores.ts'
import type * as Refresh from './refresh.ts'

interface Context {
  module: typeof Refresh
  db: pg.Pool
  schema: string
}

const ROUNDS = 5
const RACERS = 3

export default defineExercise<Context>({
  files: ['refresh.ts'],
  async setup(dir) {
    const module = await loadModule<typeof Refresh>(dir, 'refresh.ts')
    const schema = `workshop_06_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: DATABASE_URL })
    try {
      await admin.connect()
    } catch {
      throw new SetupError(`exercise 6 needs Postgres at ${DATABASE_URL} (set DATABASE_URL to use another one)`)
    }
    try {
      await admin.query(`CREATE SCHEMA ${schema}`)
      await admin.query(`SET search_path TO ${schema}`)
      await admin.query(await readFile(new URL('schema.sql', import.meta.url), 'utf8'))
    } finally {
      await admin.end()
    }
    const db = new pg.Pool({ connectionString: DATABASE_URL, max: RACERS + 1, options: `-c search_path=${schema}` })
    return { module, db, schema }
  },
  async teardown({ db, schema }) {
    await db.query(`DROP SCHEMA ${schema} CASCADE`)
    await db.end()
  },
  checks: [
    {
      name: 'issue returns an unguessable token: at least 128 random bits, different every time',
      lookAt: 'issue: randomBytes(32), encoded as text',
      hint: 1,
      run: async ({ module, db }) => {
        const [a, b] = [await module.issue(db, 'ada'), await module.issue(db, 'ada')]
        assert.equal(typeof a, 'string', 'issue should return the token as a string')
        assert.ok(a.length >= 22, `a ${a.length}-character token is too short to carry 128 random bits`)
        assert.notEqual(a, b, 'two logins got the same token')
      },
    },
    {
      name: 'the table never holds a token itself, only its hash',
      lookAt: 'issue and rotate: store hash(token), look up by hash(token)',
      hint: 1,
      run: async ({ module, db }) => {
        const token = await module.issue(db, 'ada')
        const rotated = await module.rotate(db, token)
        const { rows } = await db.query<{ row: string }>('SELECT row_to_json(t)::text AS row FROM refresh_tokens t')
        assert.ok(rows.length > 0, 'issue stored nothing in refresh_tokens')
        for (const plain of [token, rotated.status === 'rotated' ? rotated.token : token]) {
          assert.ok(!rows.some(({ row }) => row.includes(plain)), 'a token appears as it is in the table')
        }
      },
    },
    {
      name: 'rotating a fresh token gives a new token for the same user, and the new one rotates too',
      lookAt: 'rotate: mark used, insert the next token in the same family',
      hint: 2,
      run: async ({ module, db }) => {
        const first = await module.issue(db, 'grace')
        const second = await module.rotate(db, first)
        assert.equal(second.status, 'rotated', 'the first rotation of a fresh token')
        assert.ok(second.status === 'rotated' && second.token !== first, 'the rotated token must be a new one')
        assert.equal(second.userId, 'grace')
        const third = await module.rotate(db, second.token)
        assert.equal(third.status, 'rotated', 'the new token should rotate in turn')
      },
    },
    {
      name: 'presenting a used token again is reuse: "reused", and the whole family is revoked',
      lookAt: 'rotate: a token with used_at set revokes every token of its family_id',
      hint: 4,
      run: async ({ module, db }) => {
        const stolen = await module.issue(db, 'ada')
        const next = await module.rotate(db, stolen)
        assert.equal(next.status, 'rotated')
        assert.deepEqual(await module.rotate(db, stolen), { status: 'reused' }, 'the old token came back')
        if (next.status !== 'rotated') return
        const after = await module.rotate(db, next.token)
        assert.notEqual(after.status, 'rotated', "after reuse, the family's newest token still rotates: the thief (or the user) keeps the login")
      },
    },
    {
      name: 'reuse in one login leaves every other login alone',
      lookAt: 'rotate: revoke by family_id, not by user_id or the whole table',
      hint: 4,
      run: async ({ module, db }) => {
        const otherLogin = await module.issue(db, 'ada')
        const otherUser = await module.issue(db, 'linus')
        const stolen = await module.issue(db, 'ada')
        await module.rotate(db, stolen)
        await module.rotate(db, stolen)
        assert.equal((await module.rotate(db, otherLogin)).status, 'rotated', "the same user's other login was revoked")
        assert.equal((await module.rotate(db, otherUser)).status, 'rotated', "another user's login was revoked")
      },
    },
    {
      name: 'an unknown token is "invalid"',
      lookAt: 'rotate: no row for this hash',
      hint: 4,
      run: async ({ module, db }) => {
        assert.deepEqual(await module.rotate(db, randomBytes(32).toString('base64url')), { status: 'invalid' })
      },
    },
    {
      name: `of ${RACERS} rotations of one token at the same moment, exactly one wins (${ROUNDS} rounds)`,
      lookAt: 'rotate: make "unused?" part of the UPDATE … WHERE, so Postgres picks the winner',
      hint: 3,
      timeoutMs: 20_000,
      run: async ({ module, db }) => {
        for (let round = 1; round <= ROUNDS; round++) {
          const token = await module.issue(db, `racer-${randomUUID()}`)
          const results = await Promise.all(Array.from({ length: RACERS }, () => module.rotate(db, token)))
          const winners = results.filter((r) => r.status === 'rotated').length
          assert.equal(winners, 1, `round ${round}: ${winners} of ${RACERS} simultaneous rotations got a new token`)
        }
      },
    },
  ],
})
