// What the verdict says from a run's measurements, and the export format around it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { STRATEGIES } from '@lab/contracts'
import { markdownTable, unwrapExport, wrapExport } from '../src/lib/export.ts'
import { asVerdictRun, cellsOf, emptyRun, summaryOf, verdictMarkdown, type Sample, type VerdictRun } from '../src/lib/verdict.ts'

const sample = (change: Partial<Sample> = {}): Sample => ({
  status: 200,
  code: null,
  redis: 0,
  pg: 0,
  commands: [],
  authMs: 0.3,
  totalMs: 0.4,
  latencyMs: 5,
  replica: 'api-1',
  atMs: 0,
  ...change,
})

function runWith(replicas: string[]): VerdictRun {
  const run = emptyRun(replicas, new Date('2026-11-26T10:00:00Z'))
  const redisGet = { redis: 1, commands: ['Redis GET'] }
  run.strategies.session = {
    cost: { login: sample({ redis: 3, pg: 1 }), requests: Array.from({ length: 10 }, (_, i) => sample({ ...redisGet, authMs: i + 1 })) },
    credential: { bodyFields: ['user', 'strategy'], tokenLength: null, cookies: [{ name: 'sid', length: 87 }], scriptReadable: [] },
    theft: { me: sample(), admin: sample({ status: 403, code: 'FORBIDDEN' }) },
    revocation: { ttlSeconds: 10, logout: sample({ status: 204 }), expiresInMs: null, replays: [sample({ status: 401, code: 'AUTH_INVALID', atMs: 40 })] },
    redis: {
      pauseMs: 4000,
      before: sample(redisGet),
      during: [sample({ status: 503, code: 'STORE_UNAVAILABLE', latencyMs: 1003 }), sample({ status: 503, code: 'STORE_UNAVAILABLE', latencyMs: 998 })],
      after: [sample(redisGet)],
    },
    replica: { from: 'api-1', to: 'api-2', login: sample(), other: sample({ replica: 'api-2' }) },
  }
  run.strategies.jwt = {
    cost: { login: sample({ pg: 2 }), requests: Array.from({ length: 10 }, () => sample()) },
    credential: { bodyFields: ['user', 'strategy', 'accessToken'], tokenLength: 429, cookies: [], scriptReadable: [] },
    theft: { me: sample(), admin: sample({ status: 403, code: 'FORBIDDEN' }) },
    revocation: {
      ttlSeconds: 10,
      logout: sample({ status: 204 }),
      expiresInMs: 9400,
      replays: [...Array.from({ length: 10 }, (_, i) => sample({ atMs: i * 1020 })), sample({ status: 401, code: 'AUTH_EXPIRED', atMs: 10_200 })],
    },
    redis: { pauseMs: 4000, before: sample(), during: [sample(), sample(), sample()], after: [sample()] },
    replica: { from: 'api-1', to: 'api-2', login: sample(), other: sample({ replica: 'api-2' }) },
  }
  return run
}

test('each cell says what the run measured, in its own words', () => {
  const cells = cellsOf(runWith(['api-1', 'api-2']))
  assert.equal(cells.trips.session.text, '1 Redis')
  assert.match(cells.trips.session.detail, /10 requests \(10 answered 200\): 10 Redis, 0 Postgres round trips \(Redis GET\); the login: 3 Redis \+ 1 Postgres/)
  assert.equal(cells.trips.jwt.text, '0')
  assert.equal(cells.auth.session.text, '5.50 ms', 'the median of 1..10 ms')
  assert.match(cells.auth.session.detail, /the slowest 10.0 ms/)
  assert.equal(cells.credential.session.text, 'HttpOnly cookies')
  assert.equal(cells.credential.jwt.text, 'in the page’s script')
  assert.equal(cells.logout.session.text, 'at once')
  assert.match(cells.logout.session.detail, /401 AUTH_INVALID/)
  assert.equal(cells.logout.jwt.text, 'after 9.2 s–10.2 s')
  assert.match(cells.logout.jwt.detail, /exp: 9.4 s after logout/)
  assert.equal(cells.redis.session.text, 'fails fast: 503, then recovers')
  assert.match(cells.redis.session.detail, /the slowest in 1003 ms/)
  assert.equal(cells.redis.jwt.text, 'keeps answering')
  assert.equal(cells.postgres.session.state, 'inferred')
  assert.equal(cells.postgres.session.tone, 'neutral')
  assert.equal(cells.replica.session.text, 'still alice on api-2')
  assert.equal(cells['theft'].jwt.tone, 'bad')
  // A strategy with nothing measured yet says so, never a figure.
  assert.equal(cells.trips['session-pg'].state, 'pending')
  assert.equal(summaryOf(cells, 'session-pg'), '…')
  assert.equal(summaryOf(cells, 'jwt'), 'no store round trip per request; credential in the page’s script; a stolen credential outlives logout (after 9.2 s–10.2 s); rides out a Redis pause')
})

test('with one API process the replica row is not measured, and says how to start more', () => {
  const cells = cellsOf(runWith([]))
  for (const strategy of STRATEGIES) {
    assert.equal(cells.replica[strategy].state, 'not measured')
    assert.match(cells.replica[strategy].detail, /single API process \(api-1\).*pnpm demo --replicas 2/)
  }
})

test('a failed measurement says why instead of a figure', () => {
  const run = runWith([])
  run.strategies['session-pg'] = { ...run.strategies['session-pg'], cost: { problem: 'login: 429 RATE_LIMITED' } }
  const cells = cellsOf(run)
  assert.deepEqual([cells.trips['session-pg'].state, cells.trips['session-pg'].detail], ['failed', 'login: 429 RATE_LIMITED'])
})

test('the Markdown holds the table and the figures, and an export reads back to the same run', () => {
  const run = runWith(['api-1', 'api-2'])
  const markdown = verdictMarkdown(run)
  assert.match(markdown, /^# Verdict/)
  assert.match(markdown, /\| Round trips per authenticated request \| 1 Redis \| not measured \| not measured \| 0 \|/)
  assert.match(markdown, /would fail \[inferred\]|logged-in users would keep going \[inferred\]/)
  const exported = JSON.stringify(wrapExport('verdict', run))
  const back = unwrapExport(exported, 'verdict')
  assert.ok(!('error' in back))
  assert.deepEqual(asVerdictRun(back.data), run)
  assert.deepEqual(cellsOf(asVerdictRun(back.data) as VerdictRun), cellsOf(run))
})

test('an import must be a lab export of the same view', () => {
  assert.deepEqual(unwrapExport('not json', 'verdict'), { error: 'This file is not JSON.' })
  assert.match((unwrapExport('{"schema":"other"}', 'verdict') as { error: string }).error, /not a lab export/)
  assert.match((unwrapExport(JSON.stringify(wrapExport('compare', {})), 'verdict') as { error: string }).error, /a compare export; this view reads verdict exports/)
  assert.equal(asVerdictRun({ schema: 'lab-verdict/1' }), null)
})

test('Markdown cells stay in their cell: pipes escaped, lines joined', () => {
  assert.equal(markdownTable(['a', 'b'], [['x | y', 'one\ntwo']]), '| a | b |\n| --- | --- |\n| x \\| y | one two |')
})
