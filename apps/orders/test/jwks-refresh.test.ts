import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { UNKNOWN_KID_COOLDOWN_MS } from '../src/jwks.ts'
import { credentialOf, getOrders, hops, logIn, startApi, startOrders, type Api } from './helpers.ts'

const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

async function rotate(api: Api): Promise<string> {
  const response = await fetch(`${api.url}/api/keys/rotate`, { method: 'POST', headers: { origin: api.url } })
  assert.equal(response.status, 200)
  return ((await response.json()) as { kid: string }).kid
}

const kidOf = (token: string | undefined) => (JSON.parse(Buffer.from((token ?? '').split('.')[0] ?? '', 'base64url').toString()) as { kid: string }).kid

describe('orders: the JWKS is fetched again, and kept when a fetch fails', () => {
  test('a key the API has retired stops verifying here within JWKS_MAX_AGE; its successor verifies', async () => {
    const api = await startApi({ JWT_KEY_GRACE: '1' })
    const orders = await startOrders({ API_URL: api.url, JWKS_MAX_AGE: '2' })
    try {
      const old = await logIn(api.url, 'jwt')
      assert.equal((await getOrders(orders.url, 'jwt', credentialOf('jwt', old))).status, 200)
      await rotate(api)
      // The API refuses the old key's tokens once its grace has passed.
      let refusedAtApi = 0
      for (let i = 0; i < 40 && !refusedAtApi; i++) {
        const me = await fetch(`${api.url}/api/jwt/me`, { headers: { authorization: `Bearer ${old.accessToken}` } })
        if (me.status === 401) refusedAtApi = performance.now()
        else await sleep(100)
      }
      assert.ok(refusedAtApi > 0, 'the API refuses a retired key after JWT_KEY_GRACE')
      let answer = await getOrders(orders.url, 'jwt', credentialOf('jwt', old))
      while (answer.status === 200 && performance.now() - refusedAtApi < 6000) {
        await sleep(100)
        answer = await getOrders(orders.url, 'jwt', credentialOf('jwt', old))
      }
      const lag = performance.now() - refusedAtApi
      assert.equal(answer.status, 401, 'the retired key still verified here 6 s after the API refused it')
      assert.equal(answer.body.code, 'AUTH_INVALID')
      assert.ok(lag < 3000, `refused here ${lag.toFixed(0)} ms after the API (JWKS_MAX_AGE=2)`)
      const fresh = await logIn(api.url, 'jwt')
      assert.notEqual(kidOf(fresh.accessToken), kidOf(old.accessToken))
      assert.equal((await getOrders(orders.url, 'jwt', credentialOf('jwt', fresh))).status, 200)
    } finally {
      await orders.close()
      await api.stop()
    }
  })

  test('made-up kids refetch at most every few seconds, and do not hold back a real new key longer', async () => {
    const api = await startApi()
    const orders = await startOrders({ API_URL: api.url })
    try {
      const login = await logIn(api.url, 'jwt')
      assert.equal((await getOrders(orders.url, 'jwt', credentialOf('jwt', login))).status, 200)
      const [, payload, signature] = (login.accessToken ?? '').split('.')
      let fetches = 0
      for (let i = 0; i < 20; i++) {
        const madeUp = await getOrders(orders.url, 'jwt', { authorization: `Bearer ${segment({ alg: 'EdDSA', kid: `made-up-${i}` })}.${payload}.${signature}` })
        assert.equal(madeUp.status, 401)
        assert.equal(madeUp.body.code, 'AUTH_INVALID')
        fetches += hops(madeUp, 'jwks').length
      }
      assert.ok(fetches <= 1, `${fetches} JWKS fetches for 20 made-up kids in well under ${UNKNOWN_KID_COOLDOWN_MS} ms`)
      const rotatedAt = performance.now()
      await rotate(api)
      const fresh = await logIn(api.url, 'jwt')
      let answer = await getOrders(orders.url, 'jwt', credentialOf('jwt', fresh))
      while (answer.status !== 200 && performance.now() - rotatedAt < 10_000) {
        await sleep(100)
        answer = await getOrders(orders.url, 'jwt', credentialOf('jwt', fresh))
      }
      const adopted = performance.now() - rotatedAt
      assert.equal(answer.status, 200, 'the new key was still refused 10 s after rotation')
      assert.ok(adopted < UNKNOWN_KID_COOLDOWN_MS + 1000, `the new key adopted ${adopted.toFixed(0)} ms after rotation`)
      assert.equal(hops(answer, 'jwks').length, 1, 'the request that fetched the new key shows the hop')
      assert.deepEqual((await getOrders(orders.url, 'jwt', credentialOf('jwt', fresh))).timing.map((entry) => entry.name), ['auth', 'total'])
    } finally {
      await orders.close()
      await api.stop()
    }
  })

  test('a refresh that fails (the API frozen, then killed) keeps the last keys: jwt keeps being served', async () => {
    const api = await startApi()
    const orders = await startOrders({ API_URL: api.url, JWKS_MAX_AGE: '1' })
    try {
      const login = await logIn(api.url, 'jwt')
      assert.equal((await getOrders(orders.url, 'jwt', credentialOf('jwt', login))).status, 200)
      api.process.kill('SIGSTOP')
      await sleep(1100)
      const frozen = await getOrders(orders.url, 'jwt', credentialOf('jwt', login))
      assert.equal(frozen.status, 200, JSON.stringify(frozen.body))
      assert.equal(hops(frozen, 'jwks').length, 1, 'the refresh was tried')
      assert.ok(frozen.ms >= 900 && frozen.ms < 1600, `the JWKS timeout (${frozen.ms.toFixed(0)} ms)`)
      const next = await getOrders(orders.url, 'jwt', credentialOf('jwt', login))
      assert.equal(next.status, 200)
      assert.equal(hops(next, 'jwks').length, 0, 'no second try before JWKS_MAX_AGE')
      api.process.kill('SIGCONT')
      await api.stop()
      await sleep(1100)
      const killed = await getOrders(orders.url, 'jwt', credentialOf('jwt', login))
      assert.equal(killed.status, 200, JSON.stringify(killed.body))
      assert.equal(hops(killed, 'jwks').length, 1)
      assert.ok(killed.ms < 500, `connection refused (${killed.ms.toFixed(0)} ms)`)
      assert.equal((await fetch(`${orders.url}/orders/health`).then((response) => response.json()) as { jwks: string }).jwks, 'cached')
    } finally {
      await orders.close()
      await api.stop()
    }
  })
})
