// The default demo (`pnpm demo`: embedded Postgres) left alone longer than every pool and connection
// idle timeout, then used again through the web origin: everyone still logs in. And its Postgres held
// up for a moment, as on a busy machine: nobody is told it is down.
import assert from 'node:assert/strict'
import { performance } from 'node:perf_hooks'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { STRATEGIES } from '@lab/contracts'
import { Browser, startLab, type Lab } from './lab.ts'

/** Stands for the default 30 s, so CI need not wait: the pool closes its idle Postgres connection after it. */
const DATABASE_IDLE_TIMEOUT_S = 2

let lab: Lab
before(async () => {
  lab = await startLab({ DATABASE_IDLE_TIMEOUT: String(DATABASE_IDLE_TIMEOUT_S) })
})
after(async () => {
  await lab?.stop()
})

test('after an idle period longer than the pool’s idle timeout, every strategy still logs in and answers', async (t) => {
  const alice = { username: 'alice', password: 'alice-password' }
  for (const round of ['before the idle period', 'after it', 'after a second one']) {
    for (const strategy of STRATEGIES) {
      const browser = new Browser(lab.webUrl)
      const login = await browser.call('POST', `/api/${strategy}/login`, alice)
      assert.equal(login.status, 200, `${strategy} login ${round}: ${login.body}`)
      assert.equal((await browser.call('GET', `/api/${strategy}/me`)).status, 200, `${strategy} /me ${round}`)
    }
    const health = await new Browser(lab.webUrl).call('GET', '/api/health')
    assert.equal(health.status, 200, `health ${round}: ${health.body}`)
    await sleep((DATABASE_IDLE_TIMEOUT_S + 1.5) * 1000)
  }
  t.diagnostic(`idle ${DATABASE_IDLE_TIMEOUT_S + 1.5} s twice (DATABASE_IDLE_TIMEOUT ${DATABASE_IDLE_TIMEOUT_S} s): every login answered 200`)
})

test('the embedded Postgres held up for 1.3 s (the launcher that runs it stopped, as on a busy machine) is no outage: requests wait, then answer 200', async () => {
  const browser = new Browser(lab.webUrl)
  assert.equal((await browser.call('POST', '/api/session-pg/login', { username: 'alice', password: 'alice-password' })).status, 200)
  const resume = await lab.freeze('launcher')
  const started = performance.now()
  const answers = Promise.all([
    browser.call('GET', '/api/session-pg/me'),
    new Browser(lab.webUrl).call('GET', '/api/health'),
    // The orders service asks the API, which waits on the store: it waits as long.
    browser.call('GET', '/orders/session-pg'),
  ])
  await sleep(1300)
  resume()
  const [me, health, orders] = await answers
  const waited = performance.now() - started
  assert.equal(me.status, 200, `session-pg /me: ${me.body}`)
  assert.equal(health.status, 200, `health: ${health.body}`)
  assert.equal(orders.status, 200, `orders: ${orders.body}`)
  assert.ok(waited >= 1200, `they waited for the store (${waited.toFixed(0)} ms)`)
})
