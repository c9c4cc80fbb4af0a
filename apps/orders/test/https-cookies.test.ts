import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { getOrders, logIn, startApi, startOrders, DATABASE_URL, type Api } from './helpers.ts'

const HTTPS = { 'x-forwarded-proto': 'https' }
const cookieNamed = (cookies: string[], name: string): string => {
  const cookie = cookies.find((each) => each.startsWith(`${name}=`))
  assert.ok(cookie, `${name} in ${cookies.join('; ')}`)
  return cookie
}
const usernameOf = (body: Record<string, unknown>) => (body.user as { username?: string } | undefined)?.username

// Over https (X-Forwarded-Proto from a trusted proxy) the API names its cookies `__Host-sid`,
// `__Secure-at`… and ignores the bare names; this service must read exactly the same one, and tell
// the API the scheme when it introspects, so that a planted bare cookie never decides who the user is.
describe('orders over https: the cookie names the API uses, and only those', () => {
  let api: Api
  let orders: Awaited<ReturnType<typeof startOrders>>
  let untrusting: Awaited<ReturnType<typeof startOrders>>
  let store: Awaited<ReturnType<typeof startOrders>>
  before(async () => {
    api = await startApi()
    orders = await startOrders({ API_URL: api.url })
    // Its proxy is elsewhere: the test client's X-Forwarded-Proto is not believed.
    untrusting = await startOrders({ API_URL: api.url, TRUST_PROXY: '10.9.9.9' })
    store = await startOrders({ API_URL: api.url, ORDERS_SESSION_CHECK: 'store', SESSION_SECRET: api.sessionSecret, DATABASE_URL })
  })
  after(async () => {
    await orders?.close()
    await untrusting?.close()
    await store?.close()
    await api?.stop()
  })

  for (const strategy of ['session', 'session-pg', 'session-cached'] as const) {
    test(`${strategy}: a real user's __Host- cookie over https; a planted bare one is ignored (introspection and store)`, async () => {
      const name = { session: 'sid', 'session-pg': 'sid_pg', 'session-cached': 'sid_cached' }[strategy]
      const admin = await logIn(api.url, strategy, 'admin', '127.0.0.21', HTTPS)
      const alice = await logIn(api.url, strategy, 'alice', '127.0.0.22')
      const real = admin.cookies.filter((cookie) => cookie.startsWith('__Host-'))
      cookieNamed(real, `__Host-${name}`)
      const planted = cookieNamed(alice.cookies, name)

      const honest = await getOrders(orders.url, strategy, { ...HTTPS, cookie: real.join('; ') })
      assert.equal(honest.status, 200, JSON.stringify(honest.body))
      assert.equal(usernameOf(honest.body), 'admin')
      for (const cookie of [`${planted}; ${real.join('; ')}`, `${real.join('; ')}; ${planted}`]) {
        const both = await getOrders(orders.url, strategy, { ...HTTPS, cookie })
        assert.equal(both.status, 200, JSON.stringify(both.body))
        assert.equal(usernameOf(both.body), 'admin', `introspection: ${cookie.slice(0, 12)}…`)
        const read = await getOrders(store.url, strategy, { ...HTTPS, cookie })
        assert.equal(read.status, 200, JSON.stringify(read.body))
        assert.equal(usernameOf(read.body), 'admin', `store: ${cookie.slice(0, 12)}…`)
      }
      const plantedOnly = await getOrders(orders.url, strategy, { ...HTTPS, cookie: planted })
      assert.equal(plantedOnly.status, 401, 'over https a bare cookie is no credential')
      assert.equal(plantedOnly.body.code, 'AUTH_MISSING')
      assert.equal((await getOrders(store.url, strategy, { ...HTTPS, cookie: planted })).status, 401)

      // Over plain http the bare name is the cookie, and the prefixed one means nothing, as at the API.
      const http = await getOrders(orders.url, strategy, { cookie: `${planted}; ${real.join('; ')}` })
      assert.equal(usernameOf(http.body), 'alice')
      assert.equal((await getOrders(orders.url, strategy, { cookie: real.join('; ') })).status, 401)
      // X-Forwarded-Proto from a client that is not the service's proxy changes nothing.
      const spoofed = await getOrders(untrusting.url, strategy, { ...HTTPS, cookie: `${planted}; ${real.join('; ')}` })
      assert.equal(usernameOf(spoofed.body), 'alice')
    })
  }

  test('jwt-cookie: __Secure-at over https, never a planted bare at', async () => {
    const admin = await logIn(api.url, 'jwt-cookie', 'admin', '127.0.0.23', HTTPS)
    const alice = await logIn(api.url, 'jwt-cookie', 'alice', '127.0.0.24')
    const real = cookieNamed(admin.cookies, '__Secure-at')
    const planted = cookieNamed(alice.cookies, 'at')
    for (const cookie of [`${planted}; ${real}`, `${real}; ${planted}`]) {
      const answer = await getOrders(orders.url, 'jwt-cookie', { ...HTTPS, cookie })
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal(usernameOf(answer.body), 'admin')
    }
    const plantedOnly = await getOrders(orders.url, 'jwt-cookie', { ...HTTPS, cookie: planted })
    assert.equal(plantedOnly.status, 401)
    assert.equal(plantedOnly.body.code, 'AUTH_MISSING')
    assert.equal(usernameOf((await getOrders(orders.url, 'jwt-cookie', { cookie: `${planted}; ${real}` })).body), 'alice')
    assert.equal((await getOrders(orders.url, 'jwt-cookie', { cookie: real })).status, 401)
  })
})
