// The pure parts of how the lab presents a result: the meaning of a colour, what a store command is
// for, a Compare setup as a link and as a tab keeps it, totals per kind of request, and time ticks.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ApiCall } from '../src/lib/api.ts'
import { explainCommand, requestKind } from '../src/lib/commands.ts'
import { formatSetup, parseSetup, readSession, writeSession, type CompareSession } from '../src/lib/compare-setup.ts'
import { outcomeOf } from '../src/lib/outcome.ts'
import { formatSeconds, timeTicks } from '../src/lib/ticks.ts'
import type { Measured } from '../src/lib/round-trips.ts'
import { median, perRequest, sampleOf, totalsByKind, type Sample } from '../src/lib/totals.ts'

test("an attacker's success is danger, any refusal protects, the owner's answer is neutral, no answer is its own", () => {
  assert.equal(outcomeOf(200, 'attacker'), 'danger')
  assert.equal(outcomeOf(204, 'attacker'), 'danger')
  assert.equal(outcomeOf(401, 'attacker'), 'safe')
  assert.equal(outcomeOf(403, 'owner'), 'safe')
  assert.equal(outcomeOf(429, 'attacker'), 'safe')
  assert.equal(outcomeOf(200, 'owner'), 'neutral')
  assert.equal(outcomeOf(503, 'owner'), 'unavailable')
  assert.equal(outcomeOf(503, 'attacker'), 'unavailable')
  assert.equal(outcomeOf(0, 'owner'), 'unavailable')
})

test('the kind of a request comes from its route; the query string does not change it', () => {
  assert.equal(requestKind('/api/jwt/login?ttl=10'), 'login')
  assert.equal(requestKind('/api/jwt/refresh'), 'refresh')
  assert.equal(requestKind('/api/session/logout'), 'logout')
  assert.equal(requestKind('/api/session/logout-all'), 'logout')
  assert.equal(requestKind('/api/session/me'), 'authenticated')
  assert.equal(requestKind('/api/jwt-denylist/admin'), 'authenticated')
  assert.equal(requestKind('/api/health'), 'other')
})

test('each store command the API reports is explained, by what it does on that route', () => {
  assert.match(explainCommand('redis', 'EVALSHA', '/api/session/login'), /^rate limiter/)
  assert.match(explainCommand('redis', 'MULTI GET PTTL EXEC', '/api/jwt/refresh'), /^rate limiter/)
  assert.match(explainCommand('redis', 'GET', '/api/session/me'), /^session lookup/)
  assert.match(explainCommand('redis', 'DEL', '/api/session/login'), /^rate limiter/)
  assert.match(explainCommand('redis', 'DEL', '/api/session/logout'), /deletes the session/)
  assert.match(explainCommand('redis', 'SET', '/api/session/login'), /writes the new session/)
  assert.match(explainCommand('redis', 'SET', '/api/jwt-denylist/logout'), /^denylist/)
  assert.match(explainCommand('redis', 'MGET', '/api/jwt-denylist/me'), /^denylist lookup/)
  assert.match(explainCommand('redis', 'MGET', '/api/session/sessions'), /sessions/)
  assert.match(explainCommand('pg', 'SELECT sessions', '/api/session-pg/me'), /^session lookup/)
  assert.match(explainCommand('pg', 'SELECT sessions of user', '/api/session-pg/sessions'), /logins/)
  assert.match(explainCommand('pg', 'ROTATE refresh_tokens', '/api/jwt/refresh'), /successor/)
  assert.match(explainCommand('pg', 'REVOKE refresh_tokens', '/api/jwt/logout'), /refresh family/)
  assert.equal(explainCommand('redis', 'XADD', '/api/session/me'), 'a Redis command (XADD)')
})

test('a Compare link names its panes and users; a link with nothing valid in it is no setup', () => {
  const panes = [
    { strategy: 'session-pg', user: 'admin' },
    { strategy: 'jwt-cookie', user: 'alice' },
  ] as const
  assert.deepEqual(parseSetup(formatSetup(panes)), panes)
  assert.equal(formatSetup(panes), '?panes=session-pg%3Aadmin%2Cjwt-cookie%3Aalice')
  assert.deepEqual(parseSetup('?panes=jwt,jwt:admin,nope:alice,session:mallory'), [{ strategy: 'jwt', user: 'alice' }])
  assert.equal(parseSetup('?panes=nope'), null)
  assert.equal(parseSetup(''), null)
})

test("a tab's Compare session comes back as it was, without the bodies that held tokens; anything else is none", () => {
  const call: ApiCall = {
    id: '1',
    method: 'POST',
    path: '/api/jwt/login',
    via: 'browser',
    status: 200,
    ok: true,
    body: { accessToken: 'secret' },
    errorCode: null,
    message: null,
    requestId: 'r1',
    replica: 'api',
    authReason: null,
    serverTimingHeader: 'total;dur=1',
    serverTiming: [{ name: 'total', dur: 1, desc: null }],
    latencyMs: 12,
    startedAt: 5,
  }
  const session: CompareSession = {
    panes: [{ strategy: 'jwt', user: 'admin', stolen: { kind: 'bearer', token: 'stolen', expiresAt: null } }],
    calls: [{ strategy: 'jwt', label: 'login', call }],
    ttl: 10,
  }
  const back = readSession(writeSession(session))
  assert.deepEqual(back?.panes, session.panes)
  assert.equal(back?.ttl, 10)
  assert.equal(back?.calls[0]?.call.body, null)
  assert.equal(back?.calls[0]?.call.serverTimingHeader, 'total;dur=1')
  assert.equal(readSession(null), null)
  assert.equal(readSession('{not json'), null)
  assert.equal(readSession(JSON.stringify({ panes: [{ strategy: 'nope', user: 'alice' }], calls: [] })), null)
})

test('totals keep authenticated requests apart from login, refresh and logout: jwt pays 0 per authenticated request', () => {
  const sample = (kind: Sample['kind'], redis: number, pg: number, serverMs: number): Sample => ({ kind, redis, pg, authMs: serverMs / 2, serverMs, latencyMs: serverMs * 10 })
  const totals = totalsByKind([sample('login', 6, 2, 30), sample('authenticated', 0, 0, 1), sample('authenticated', 0, 0, 3), sample('refresh', 2, 1, 5), sample('logout', 0, 1, 2)])
  assert.deepEqual(totals.authenticated, { count: 2, trips: 0, authMs: 1, serverMs: 2, latencyMs: 20 })
  assert.equal(perRequest(totals.authenticated), '0')
  assert.equal(perRequest(totals.login), '8')
  assert.equal(perRequest({ count: 3, trips: 2 }), '0.67')
  assert.equal(perRequest({ count: 0, trips: 0 }), '–')
  assert.equal(median([]), null)
  assert.equal(median([3, 1, 2]), 2)
})

test('a request whose credential was refused, or that had none, is not an authenticated request: a refused replay costs what a refusal costs', () => {
  const call = (path: string, status: number, errorCode: string | null) => ({ path, status, errorCode }) as ApiCall
  const measured = { redis: 1, pg: 0, authMs: 0.1, serverMs: 0.2 } as Measured
  assert.equal(sampleOf(call('/api/jwt-dpop/me', 200, null), measured).kind, 'authenticated')
  assert.equal(sampleOf(call('/api/jwt-dpop/admin', 403, 'FORBIDDEN'), measured).kind, 'authenticated', 'authenticated, then forbidden')
  assert.equal(sampleOf(call('/api/jwt-dpop/me', 401, 'DPOP_KEY_MISMATCH'), measured).kind, 'other')
  assert.equal(sampleOf(call('/api/session/me', 401, 'AUTH_INVALID'), measured).kind, 'other')
  assert.equal(sampleOf(call('/api/jwt/me', 401, 'AUTH_MISSING'), measured).kind, 'other')
  assert.equal(sampleOf(call('/api/jwt/refresh', 401, 'AUTH_INVALID'), measured).kind, 'refresh', 'a refused refresh is still a refresh')
})

test('time ticks are round, evenly spaced, at most six after 0, and read as seconds or minutes', () => {
  assert.deepEqual(timeTicks(2.3), [0, 0.5, 1, 1.5, 2, 2.5])
  assert.deepEqual(timeTicks(4.2), [0, 1, 2, 3, 4, 5])
  assert.deepEqual(timeTicks(14), [0, 5, 10, 15])
  assert.deepEqual(timeTicks(0), [0, 0.5])
  assert.deepEqual(timeTicks(125), [0, 30, 60, 90, 120, 150])
  for (const max of [0.2, 3, 7, 33, 59, 61, 200, 1000, 5000]) {
    const ticks = timeTicks(max)
    assert.ok(ticks.length <= 7 && (ticks.at(-1) as number) >= max, `ticks for ${max}: ${ticks}`)
  }
  assert.deepEqual([0.5, 15, 120, 90].map(formatSeconds), ['0.5 s', '15 s', '2 min', '1 min 30 s'])
})
