// Kill, freeze and restart each store while every route of every strategy is used through the web
// origin, as the lab's pages use them: a fast 503 only where that strategy needs that store, every
// other answer as usual, the API never exits, and everything recovers without a restart.
import assert from 'node:assert/strict'
import { after, before, describe, test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { REFRESH_STRATEGIES, STRATEGIES, type StrategyName } from '@lab/contracts'
import { startPostgresServer, startRedisServer, type PostgresServer } from '@lab/api/local-stores'
import { Browser, send, startLab, type Lab } from './lab.ts'

type Store = 'redis' | 'postgres'
type Route = 'login' | 'me' | 'admin' | 'refresh' | 'sessions' | 'password' | 'logout'

/** A 503 slower than this is a hang, not a fast refusal (the contract: about one second). */
const FAST_MS = 1500
/** The longest a client waits for a store that does not answer: a Postgres query's timeout, the wait for a connection included (1 s; Redis: 0.8 s). */
const STORE_TIMEOUT_MS = 1000

const ALICE = { username: 'alice', password: 'alice-password' }

/**
 * The stores each route needs, per strategy: the lab's claim, written down once. A cached
 * session-cached copy answers /me and /admin without Redis; logging in needs Postgres (the user) and,
 * for Redis sessions, Redis (the new session); the rate limiter counts in memory while Redis is away.
 */
function needs(route: Route, strategy: StrategyName): Store[] {
  const sessionStore: Record<StrategyName, Store[]> = {
    session: ['redis'],
    'session-pg': ['postgres'],
    'session-cached': ['redis'],
    jwt: [],
    'jwt-denylist': ['redis'],
    'jwt-cookie': [],
    // every request writes its proof's jti
    'jwt-dpop': ['redis'],
  }
  const authenticate = strategy === 'session-cached' ? [] : sessionStore[strategy]
  // jwt-dpop's login and refresh carry a proof too, whose jti is written to Redis
  const proof: Store[] = strategy === 'jwt-dpop' ? ['redis'] : []
  switch (route) {
    case 'login':
      return strategy.startsWith('jwt') ? ['postgres', ...proof] : [...new Set<Store>(['postgres', ...sessionStore[strategy]])]
    case 'me':
    case 'admin':
      return authenticate
    case 'refresh':
      return ['postgres', ...proof]
    case 'sessions':
      return [...new Set([...authenticate, ...(strategy.startsWith('jwt') ? (['postgres'] as Store[]) : sessionStore[strategy])])]
    case 'password':
      return [...new Set([...authenticate, 'postgres' as Store])]
    case 'logout':
      return strategy.startsWith('jwt') ? [...new Set(['postgres' as Store, ...sessionStore[strategy]])] : sessionStore[strategy]
  }
}

/** What a route answers when its stores are up: admin is a 403 for alice; a wrong current password a 401. */
const EXPECTED_OK: Record<Route, number> = { login: 200, me: 200, admin: 403, refresh: 200, sessions: 200, password: 401, logout: 204 }

interface Outcome {
  strategy: StrategyName
  route: Route
  status: number
  code: string | undefined
  ms: number
}

/** Logs one browser per strategy in, as alice. */
async function logIn(lab: Lab): Promise<Record<StrategyName, Browser>> {
  const browsers = Object.fromEntries(STRATEGIES.map((s, i) => [s, new Browser(lab.webUrl, `127.0.0.${10 + i}`)])) as Record<StrategyName, Browser>
  for (const strategy of STRATEGIES) {
    const answer = await browsers[strategy].call('POST', `/api/${strategy}/login`, ALICE)
    assert.equal(answer.status, 200, `${strategy} login before the fault: ${answer.body}`)
  }
  return browsers
}

/** Every route of every strategy once, strategies side by side (as several panes of the lab), routes in turn. */
async function useEverything(lab: Lab, browsers: Record<StrategyName, Browser>): Promise<Outcome[]> {
  const perStrategy = await Promise.all(
    STRATEGIES.map(async (strategy) => {
      const browser = browsers[strategy]
      const outcomes: Outcome[] = []
      const record = async (route: Route, method: string, path: string, json?: unknown) => {
        const answer = await browser.call(method, path, json)
        const code = answer.body.startsWith('{') ? (JSON.parse(answer.body) as { code?: string }).code : undefined
        outcomes.push({ strategy, route, status: answer.status, code, ms: answer.ms })
      }
      await record('me', 'GET', `/api/${strategy}/me`)
      await record('admin', 'GET', `/api/${strategy}/admin`)
      await record('sessions', 'GET', `/api/${strategy}/sessions`)
      if ((REFRESH_STRATEGIES as readonly string[]).includes(strategy)) await record('refresh', 'POST', `/api/${strategy}/refresh`)
      await record('password', 'POST', `/api/${strategy}/password`, { currentPassword: 'not-the-password', newPassword: 'a long enough new passphrase' })
      await record('logout', 'POST', `/api/${strategy}/logout`)
      await record('login', 'POST', `/api/${strategy}/login`, ALICE)
      return outcomes
    }),
  )
  return perStrategy.flat()
}

/** With `down` unavailable: a fast 503 STORE_UNAVAILABLE exactly where a needed store is down, the usual answer elsewhere. */
function assertOutcomes(t: TestContext, label: string, outcomes: Outcome[], down: Store | null) {
  const slowest503 = Math.max(0, ...outcomes.filter((o) => o.status === 503).map((o) => o.ms))
  // A login hashes the password first (slower on a loaded machine) and then meets the store: its 503
  // may take as long as a login that got through in this same outage, plus one store timeout; never a
  // hang: at most one more second however slow the hash.
  const slowestLogin = Math.max(0, ...outcomes.filter((o) => o.route === 'login' && o.status === 200).map((o) => o.ms))
  const loginBound = Math.min(FAST_MS + STORE_TIMEOUT_MS, Math.max(FAST_MS, slowestLogin + STORE_TIMEOUT_MS))
  const bound = (route: Route) => (route === 'login' ? loginBound : FAST_MS)
  t.diagnostic(`${label}: ${outcomes.length} requests through the web origin, ${outcomes.filter((o) => o.status === 503).length} fast 503s (slowest ${slowest503.toFixed(0)} ms)`)
  for (const outcome of outcomes) {
    const what = `${label}: ${outcome.strategy} ${outcome.route} → ${outcome.status} ${outcome.code ?? ''} in ${outcome.ms.toFixed(0)} ms`
    // After a failed logout or login, the next route may legitimately find no credential.
    if (down !== null && needs(outcome.route, outcome.strategy).includes(down)) {
      assert.equal(outcome.status, 503, what)
      assert.equal(outcome.code, 'STORE_UNAVAILABLE', what)
      assert.ok(outcome.ms < bound(outcome.route), what)
    } else {
      assert.equal(outcome.status, EXPECTED_OK[outcome.route], what)
    }
  }
}

/** The live record stream (demo) needs no store: it opens and says it is connected. */
async function assertStreamOpens(lab: Lab, label: string) {
  const controller = new AbortController()
  const response = await fetch(`${lab.webUrl}/api/records`, { signal: controller.signal })
  assert.equal(response.status, 200, `${label}: the record stream`)
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const { value } = await reader.read()
  assert.match(new TextDecoder().decode(value), /: connected/, label)
  controller.abort()
}

async function health(lab: Lab) {
  const answer = await send(`${lab.webUrl}/api/health`)
  const { redis, postgres } = JSON.parse(answer.body) as { redis: string; postgres: string }
  return { status: answer.status, redis, postgres }
}

async function untilHealthy(lab: Lab) {
  for (let attempt = 0; attempt < 200; attempt++) {
    if ((await health(lab)).status === 200) return
    await sleep(50)
  }
  assert.fail('the lab did not recover within 10 s')
}

describe('store faults under use of every route, through the web origin', () => {
  let lab: Lab
  let postgres: PostgresServer
  let redis: Awaited<ReturnType<typeof startRedisServer>>
  let redisPort: number

  before(async () => {
    postgres = await startPostgresServer()
    redis = await startRedisServer()
    redisPort = Number(new URL(redis.url).port)
    // A short access token would expire mid-test; the session-cached copy must stay fresh through a fault.
    lab = await startLab({ REDIS_URL: redis.url, DATABASE_URL: postgres.url, ACCESS_TOKEN_TTL: '600', SESSION_CACHE_TTL: '600' })
  })
  after(async () => {
    await lab?.stop()
    await redis?.stop()
    await postgres?.stop()
  })

  test('with both stores up, every route answers as usual (the baseline the faults are compared with)', async (t) => {
    const browsers = await logIn(lab)
    assertOutcomes(t, 'stores up', await useEverything(lab, browsers), null)
  })

  test('Redis killed: a fast 503 only where a strategy needs Redis; the API lives; a restarted Redis is used again at once', async (t) => {
    const browsers = await logIn(lab)
    await redis.stop()
    assert.deepEqual(await health(lab), { status: 503, redis: 'down', postgres: 'up' }, 'the lab says Redis is down')
    assertOutcomes(t, 'Redis killed', await useEverything(lab, browsers), 'redis')
    await assertStreamOpens(lab, 'Redis killed')
    assert.ok(lab.apiAlive(), 'the API process never exited')
    redis = await startRedisServer(redisPort)
    await untilHealthy(lab)
    assertOutcomes(t, 'Redis back (empty: Redis sessions are gone, new logins work)', await useEverything(lab, await logIn(lab)), null)
  })

  test('Redis frozen (the outage view’s CLIENT PAUSE): the same, each 503 within about a second', async (t) => {
    const browsers = await logIn(lab)
    const pause = await new Browser(lab.webUrl).call('POST', '/api/lab/redis/pause', { ms: 10_000 })
    assert.equal(pause.status, 204, pause.body)
    const started = performance.now()
    const outcomes = await useEverything(lab, browsers)
    assert.ok(performance.now() - started < 9_000, 'every request was made while Redis was paused')
    assertOutcomes(t, 'Redis frozen', outcomes, 'redis')
    await assertStreamOpens(lab, 'Redis frozen')
    assert.ok(lab.apiAlive(), 'the API process never exited')
    await sleep(Math.max(0, 10_500 - (performance.now() - started)))
    await untilHealthy(lab)
    assertOutcomes(t, 'Redis resumed', await useEverything(lab, await logIn(lab)), null)
  })

  test('Postgres killed, then restarted: a fast 503 only where a strategy needs Postgres; nothing lost', async (t) => {
    const browsers = await logIn(lab)
    await postgres.crash()
    assert.deepEqual(await health(lab), { status: 503, redis: 'up', postgres: 'down' })
    assertOutcomes(t, 'Postgres killed', await useEverything(lab, browsers), 'postgres')
    await assertStreamOpens(lab, 'Postgres killed')
    assert.ok(lab.apiAlive(), 'the API process never exited')
    await postgres.start()
    await untilHealthy(lab)
    assertOutcomes(t, 'Postgres back', await useEverything(lab, await logIn(lab)), null)
  })

  test('Postgres frozen (SIGSTOP): each 503 within about a second, never a hang; then recovery', async (t) => {
    const browsers = await logIn(lab)
    await postgres.pause()
    try {
      assertOutcomes(t, 'Postgres frozen', await useEverything(lab, browsers), 'postgres')
      await assertStreamOpens(lab, 'Postgres frozen')
      assert.ok(lab.apiAlive(), 'the API process never exited')
    } finally {
      await postgres.resume()
    }
    await untilHealthy(lab)
    assertOutcomes(t, 'Postgres resumed', await useEverything(lab, await logIn(lab)), null)
  })
})
