import assert from 'node:assert/strict'
import { test } from 'node:test'
import { countRoundTrips, formatServerTiming, parseServerTiming } from '../src/server-timing.ts'

test('parses names, durations and quoted descriptions', () => {
  assert.deepEqual(parseServerTiming('redis;dur=0.31;desc="GET", pg;dur=0.92;desc="SELECT sessions", auth;dur=1.2, total;dur=1.65'), [
    { name: 'redis', dur: 0.31, desc: 'GET' },
    { name: 'pg', dur: 0.92, desc: 'SELECT sessions' },
    { name: 'auth', dur: 1.2, desc: null },
    { name: 'total', dur: 1.65, desc: null },
  ])
})

test('a comma or quote inside a description does not split the entry', () => {
  const header = [formatServerTiming('pg', 1, 'SELECT "a, b"'), formatServerTiming('redis', 0.5, 'MGET')].join(', ')
  assert.deepEqual(
    parseServerTiming(header).map((entry) => entry.desc),
    ['SELECT "a, b"', 'MGET'],
  )
})

test('tolerates whitespace, unquoted values, unknown params and empty input', () => {
  assert.deepEqual(parseServerTiming(' redis ; dur = 2 ; desc=GET ; x="y" ,  miss'), [
    { name: 'redis', dur: 2, desc: 'GET' },
    { name: 'miss', dur: null, desc: null },
  ])
  assert.deepEqual(parseServerTiming(''), [])
  assert.deepEqual(parseServerTiming(undefined), [])
})

test('counts store round trips and nothing else', () => {
  assert.deepEqual(countRoundTrips('redis;dur=1, redis;dur=1, pg;dur=2, auth;dur=3, total;dur=4'), { redis: 2, pg: 1 })
  assert.deepEqual(countRoundTrips('auth;dur=0.1, total;dur=0.2'), { redis: 0, pg: 0 })
})
