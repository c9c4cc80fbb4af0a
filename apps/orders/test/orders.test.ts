import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { freePort } from '@lab/api/local-stores'
import { ORDERS_STRATEGIES } from '@lab/contracts'
import { credentialOf, getOrders, hops, logIn, startApi, startOrders, DATABASE_URL, type Api } from './helpers.ts'

const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('orders: each strategy authenticated its own way', () => {
  let api: Api
  let orders: Awaited<ReturnType<typeof startOrders>>
  before(async () => {
    api = await startApi()
    orders = await startOrders({ API_URL: api.url })
  })
  after(async () => {
    await orders?.close()
    await api?.stop()
  })

  test('jwt: verified with the JWKS, fetched once; then no call to the API at all', async () => {
    const login = await logIn(api.url, 'jwt')
    const first = await getOrders(orders.url, 'jwt', credentialOf('jwt', login))
    assert.equal(first.status, 200)
    assert.equal(first.body.check, 'jwks')
    assert.deepEqual((first.body.user as { username: string }).username, 'alice')
    assert.ok((first.body.orders as unknown[]).length > 0)
    assert.equal(hops(first, 'jwks').length, 1, 'the keys fetched on first use')
    const second = await getOrders(orders.url, 'jwt', credentialOf('jwt', login))
    assert.equal(second.status, 200)
    assert.deepEqual(second.timing.map((entry) => entry.name), ['auth', 'total'], '0 calls: neither the JWKS nor the API')
  })

  test('jwt-denylist: local verification plus one Redis lookup of the shared denylist; logout at the API revokes here at once', async () => {
    const login = await logIn(api.url, 'jwt-denylist')
    const answer = await getOrders(orders.url, 'jwt-denylist', credentialOf('jwt-denylist', login))
    assert.equal(answer.status, 200)
    assert.equal(answer.body.check, 'jwks+denylist')
    assert.deepEqual(hops(answer, 'redis').map((entry) => entry.desc), ['MGET'])
    assert.equal(hops(answer, 'api').length, 0)
    const logout = await fetch(`${api.url}/api/jwt-denylist/logout`, { method: 'POST', headers: { authorization: `Bearer ${login.accessToken}`, cookie: login.cookies.join('; ') } })
    assert.equal(logout.status, 204)
    const revoked = await getOrders(orders.url, 'jwt-denylist', credentialOf('jwt-denylist', login))
    assert.equal(revoked.status, 401)
    assert.equal(revoked.body.code, 'AUTH_REVOKED')
  })

  test('jwt-cookie: the token verifies here when the cookie is sent, but a browser never sends it: Path=/api/jwt-cookie', async () => {
    const login = await logIn(api.url, 'jwt-cookie')
    const response = await fetch(`${api.url}/api/jwt-cookie/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: 'alice-password' }) })
    const at = response.headers.getSetCookie().find((line) => line.startsWith('at='))
    assert.match(at ?? '', /Path=\/api\/jwt-cookie/)
    const sent = await getOrders(orders.url, 'jwt-cookie', credentialOf('jwt-cookie', login))
    assert.equal(sent.status, 200, 'a client that sends the cookie anyway (not a browser)')
    assert.equal(sent.body.check, 'jwks')
    const browser = await getOrders(orders.url, 'jwt-cookie', {})
    assert.equal(browser.status, 401)
    assert.equal(browser.body.code, 'AUTH_MISSING')
    assert.match(String(browser.body.message), /Path=\/api\/jwt-cookie/)
  })

  for (const strategy of ['session', 'session-pg', 'session-cached'] as const) {
    test(`${strategy}: introspection by the API, one extra hop; logout at the API ends it here`, async () => {
      const login = await logIn(api.url, strategy)
      const answer = await getOrders(orders.url, strategy, credentialOf(strategy, login))
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal(answer.body.check, 'introspection')
      const [hop] = hops(answer, 'api')
      assert.equal(hops(answer, 'api').length, 1)
      assert.match(hop?.desc ?? '', new RegExp(`^GET /api/${strategy}/me 200`))
      assert.ok((hop?.dur ?? 0) > 0)
      await fetch(`${api.url}/api/${strategy}/logout`, { method: 'POST', headers: { cookie: login.cookies.join('; '), origin: api.url } })
      const after = await getOrders(orders.url, strategy, credentialOf(strategy, login))
      // session-cached: the API still trusts a stolen fresh copy; the browser's was cleared, which this client ignores.
      if (strategy !== 'session-cached') {
        assert.equal(after.status, 401)
        assert.match(String(after.body.code), /^AUTH_/)
      }
    })
  }

  test('the credentials of one strategy are refused by another, and garbage is a 401, never a 5xx', async () => {
    const jwt = await logIn(api.url, 'jwt')
    const crossed = await getOrders(orders.url, 'jwt-denylist', credentialOf('jwt', jwt))
    assert.equal(crossed.status, 401, 'another audience')
    assert.equal(crossed.body.code, 'AUTH_INVALID')
    const hs256 = `${segment({ alg: 'HS256', typ: 'JWT' })}.${segment({ sub: 'x', role: 'admin' })}.${'A'.repeat(43)}`
    const none = `${segment({ alg: 'none' })}.${segment({ sub: 'x', role: 'admin' })}.`
    const [header, payload] = (jwt.accessToken ?? '').split('.')
    const forged = `${header}.${segment({ ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()), role: 'admin' })}.${(jwt.accessToken ?? '').split('.')[2]}`
    const unknownKid = `${segment({ alg: 'EdDSA', kid: 'made-up' })}.${payload}.${(jwt.accessToken ?? '').split('.')[2]}`
    for (const [label, authorization, code] of [
      ['HS256', `Bearer ${hs256}`, 'TOKEN_UNVERIFIABLE'],
      ['alg none', `Bearer ${none}`, 'AUTH_INVALID'],
      ['role edited', `Bearer ${forged}`, 'AUTH_INVALID'],
      ['unknown kid', `Bearer ${unknownKid}`, 'AUTH_INVALID'],
      ['garbage', 'Bearer not.a.token', 'AUTH_INVALID'],
      ['no scheme', 'xyz', 'AUTH_INVALID'],
      ['too long', `Bearer ${'a'.repeat(5000)}.b.c`, 'AUTH_INVALID'],
    ] as const) {
      const answer = await getOrders(orders.url, 'jwt', { authorization })
      assert.equal(answer.status, 401, label)
      assert.equal(answer.body.code, code, label)
      assert.deepEqual(Object.keys(answer.body).sort(), ['code', 'error', 'message', 'statusCode'], label)
    }
    const garbageCookie = await getOrders(orders.url, 'session', { cookie: 'sid=garbage' })
    assert.equal(garbageCookie.status, 401)
    const missing = await getOrders(orders.url, 'session-pg', {})
    assert.equal(missing.status, 401)
    assert.equal(missing.body.code, 'AUTH_MISSING')
    const malformed = await fetch(`${orders.url}/orders/%E0%A4%A`)
    assert.equal(malformed.status, 400)
    assert.deepEqual(await malformed.json(), { statusCode: 400, code: 'BAD_REQUEST', error: 'Bad Request', message: 'Malformed request' })
    const posted = await fetch(`${orders.url}/orders/jwt`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    assert.equal(posted.status, 404)
    const huge = await fetch(`${orders.url}/orders/session`, { headers: { cookie: `sid=${'x'.repeat(20_000)}` } })
    assert.equal(huge.status, 431)
    assert.equal(((await huge.json()) as { code: string }).code, 'HEADERS_TOO_LARGE')
  })

  test('jwt-dpop and unknown strategies are not offered here: 404 in the error format', async () => {
    for (const strategy of ['jwt-dpop', 'nope', '%E2%80%AE']) {
      const answer = await getOrders(orders.url, strategy)
      assert.equal(answer.status, 404, strategy)
      assert.equal(answer.body.code, 'NOT_FOUND')
    }
    assert.deepEqual([...ORDERS_STRATEGIES].sort(), ['jwt', 'jwt-cookie', 'jwt-denylist', 'session', 'session-cached', 'session-pg'])
  })

  test('a forwarded address is not passed on, and a classroom behind one address never meets a 429 of the hop\'s making', async () => {
    const limited = await startApi({ CLIENT_RATE_LIMIT: '3' })
    const behind = await startOrders({ API_URL: limited.url })
    try {
      // Logged in from an address of its own: earlier tests' logins from 127.0.0.1 count against the same shared limit.
      const login = await logIn(limited.url, 'session', 'alice', '127.0.0.9')
      for (let i = 0; i < 30; i++) {
        const answer = await getOrders(behind.url, 'session', { ...credentialOf('session', login), 'x-forwarded-for': `10.0.0.${i}` })
        assert.equal(answer.status, 200, `request ${i}`)
      }
    } finally {
      await behind.close()
      await limited.stop()
    }
  })
})

describe('orders: when things are down', () => {
  test('the API killed: jwt keeps serving from the cached keys, introspection answers 503 at once', async () => {
    const api = await startApi()
    const orders = await startOrders({ API_URL: api.url })
    try {
      const jwt = await logIn(api.url, 'jwt')
      const cookie = await logIn(api.url, 'jwt-cookie')
      const session = await logIn(api.url, 'session')
      assert.equal((await getOrders(orders.url, 'jwt', credentialOf('jwt', jwt))).status, 200)
      await api.stop()
      const stillServing = await getOrders(orders.url, 'jwt', credentialOf('jwt', jwt))
      assert.equal(stillServing.status, 200)
      assert.equal((await getOrders(orders.url, 'jwt-cookie', credentialOf('jwt-cookie', cookie))).status, 200)
      const down = await getOrders(orders.url, 'session', credentialOf('session', session))
      assert.equal(down.status, 503)
      assert.equal(down.body.code, 'API_UNREACHABLE')
      assert.ok(down.ms < 500, `connection refused answers at once (${down.ms.toFixed(0)} ms)`)
      assert.equal(hops(down, 'api').length, 1, 'the failed hop is still measured')
    } finally {
      await orders.close()
      await api.stop()
    }
  })

  test('the API frozen (SIGSTOP): jwt keeps serving, introspection answers 503 within about a second, and recovers on SIGCONT', async () => {
    const api = await startApi()
    const orders = await startOrders({ API_URL: api.url })
    try {
      const jwt = await logIn(api.url, 'jwt')
      const session = await logIn(api.url, 'session-pg')
      assert.equal((await getOrders(orders.url, 'jwt', credentialOf('jwt', jwt))).status, 200)
      api.process.kill('SIGSTOP')
      assert.equal((await getOrders(orders.url, 'jwt', credentialOf('jwt', jwt))).status, 200)
      const frozen = await getOrders(orders.url, 'session-pg', credentialOf('session-pg', session))
      assert.equal(frozen.status, 503)
      assert.equal(frozen.body.code, 'API_UNREACHABLE')
      assert.ok(frozen.ms >= 900 && frozen.ms < 1600, `the timeout answers (${frozen.ms.toFixed(0)} ms)`)
      api.process.kill('SIGCONT')
      assert.equal((await getOrders(orders.url, 'session-pg', credentialOf('session-pg', session))).status, 200)
    } finally {
      await orders.close()
      await api.stop()
    }
  })

  test('keys never fetched and the API down: a 503, not a 401 nor a 500', async () => {
    const api = await startApi()
    const orders = await startOrders({ API_URL: api.url })
    try {
      const jwt = await logIn(api.url, 'jwt')
      await api.stop()
      const answer = await getOrders(orders.url, 'jwt', credentialOf('jwt', jwt))
      assert.equal(answer.status, 503)
      assert.equal(answer.body.code, 'API_UNREACHABLE')
    } finally {
      await orders.close()
    }
  })

  test('Redis unreachable: only jwt-denylist needs it (fast 503); jwt and introspected sessions still answer', async () => {
    const api = await startApi()
    const orders = await startOrders({ API_URL: api.url, REDIS_URL: `redis://127.0.0.1:${await freePort()}` })
    try {
      const denylist = await logIn(api.url, 'jwt-denylist')
      const jwt = await logIn(api.url, 'jwt')
      const session = await logIn(api.url, 'session')
      const down = await getOrders(orders.url, 'jwt-denylist', credentialOf('jwt-denylist', denylist))
      assert.equal(down.status, 503)
      assert.equal(down.body.code, 'STORE_UNAVAILABLE')
      assert.ok(down.ms < 1500, `${down.ms.toFixed(0)} ms`)
      assert.equal((await getOrders(orders.url, 'jwt', credentialOf('jwt', jwt))).status, 200)
      assert.equal((await getOrders(orders.url, 'session', credentialOf('session', session))).status, 200)
      assert.equal((await fetch(`${orders.url}/orders/health`)).status, 503)
    } finally {
      await orders.close()
      await api.stop()
    }
  })

  test('an API on HS256 publishes no key: jwt here says why it cannot verify, as a 401 with a stable code', async () => {
    const api = await startApi({ JWT_ALGORITHM: 'HS256' })
    const orders = await startOrders({ API_URL: api.url })
    try {
      const jwt = await logIn(api.url, 'jwt')
      const answer = await getOrders(orders.url, 'jwt', credentialOf('jwt', jwt))
      assert.equal(answer.status, 401)
      assert.equal(answer.body.code, 'TOKEN_UNVERIFIABLE')
      assert.match(String(answer.body.message), /JWT_ALGORITHM=EdDSA/)
    } finally {
      await orders.close()
      await api.stop()
    }
  })
})

describe('orders with ORDERS_SESSION_CHECK=store: the shared stores read directly', () => {
  test('sessions from Redis and Postgres with the API\'s secret: no API hop, and they keep working when the API is down', async () => {
    const api = await startApi()
    const orders = await startOrders({ API_URL: api.url, ORDERS_SESSION_CHECK: 'store', SESSION_SECRET: api.sessionSecret, DATABASE_URL })
    try {
      const logins = {
        session: await logIn(api.url, 'session'),
        'session-pg': await logIn(api.url, 'session-pg'),
        'session-cached': await logIn(api.url, 'session-cached'),
      }
      const expected = { session: ['redis', 'GET'], 'session-pg': ['pg', 'SELECT sessions'], 'session-cached': ['redis', 'GET'] } as const
      for (const [strategy, login] of Object.entries(logins)) {
        const answer = await getOrders(orders.url, strategy, credentialOf(strategy, login))
        assert.equal(answer.status, 200, strategy)
        assert.equal(answer.body.check, 'store')
        const [store, command] = expected[strategy as keyof typeof expected]
        assert.deepEqual(hops(answer, store).map((entry) => entry.desc), [command], strategy)
        assert.equal(hops(answer, 'api').length, 0)
      }
      const forged = await getOrders(orders.url, 'session', { cookie: `sid=${'a'.repeat(43)}.forged` })
      assert.equal(forged.status, 401)
      await api.stop()
      assert.equal((await getOrders(orders.url, 'session-pg', credentialOf('session-pg', logins['session-pg']))).status, 200)
    } finally {
      await orders.close()
      await api.stop()
    }
  })

  test('store mode without the API\'s secret does not start', async () => {
    const { loadConfig } = await import('../src/config.ts')
    assert.throws(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', ORDERS_SESSION_CHECK: 'store', DATABASE_URL }), /SESSION_SECRET/)
    assert.throws(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', ORDERS_PORT: 'x' }), /Invalid configuration/)
    assert.throws(() => loadConfig({}), /REDIS_URL/)
  })
})
