import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { RequestRecord } from '@lab/contracts'
import { LIMITS, RecordStore } from '../src/lib/record-store.ts'

const recordOf = (requestId: string): RequestRecord => ({
  requestId,
  at: new Date(0).toISOString(),
  strategy: 'jwt',
  method: 'GET',
  route: '/api/jwt/me',
  statusCode: 200,
  errorCode: null,
  durationMs: 0.2,
  authMs: 0.1,
  roundTrips: [],
  replica: 'test',
})
const flow = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => recordOf(`${prefix}-${i}`))

test('a record a row has shown stays while a busy room’s records flow past; those nobody asked for go, oldest first', () => {
  const store = new RecordStore()
  store.add([recordOf('mine')])
  assert.equal(store.get('mine')?.requestId, 'mine')
  // A minute of a room's requests at 30 a second, and more.
  store.add(flow('room', 3 * LIMITS.arrived))
  assert.equal(store.get('mine')?.requestId, 'mine', 'the row keeps its record')
  assert.equal(store.get('room-0'), undefined, 'the oldest of the others are dropped')
  assert.ok(store.get(`room-${3 * LIMITS.arrived - 1}`), 'the newest are there for a row that has not asked yet')
})

test('a record sent again (the stream replays after a reconnect) is the one already shown, kept once', () => {
  const store = new RecordStore({ arrived: 2, shown: 2 })
  store.add([recordOf('a')])
  const shown = store.get('a')
  store.add([{ ...recordOf('a'), durationMs: 99 }, recordOf('b'), recordOf('c')])
  assert.equal(store.get('a'), shown)
})

test('shown records are bounded too, the oldest shown dropped first', () => {
  const store = new RecordStore({ arrived: 10, shown: 2 })
  store.add(flow('r', 3))
  for (const id of ['r-0', 'r-1', 'r-2']) assert.ok(store.get(id))
  assert.equal(store.get('r-0'), undefined)
  assert.ok(store.get('r-1') && store.get('r-2'))
})
