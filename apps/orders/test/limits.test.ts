import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '@lab/api/local-stores'
import { startOrders } from './helpers.ts'

interface Raw {
  /** the status line's code, 0 when nothing came back */
  status: number
  body: string
  /** ms from the first byte sent until the server closed the connection (null: still open at `waitMs`) */
  closedAfter: number | null
}

/** Sends `head` at once, then `drip` one byte every `everyMs` until the server closes or `waitMs` passes. */
function trickle(url: string, head: string, drip: string, everyMs: number, waitMs: number): Promise<Raw> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    const start = performance.now()
    let text = ''
    let sent = 0
    socket.on('data', (chunk: Buffer) => (text += chunk))
    socket.on('error', () => {})
    const timer = setInterval(() => {
      if (sent < drip.length && !socket.destroyed) socket.write(drip[sent++] as string)
    }, everyMs)
    const finish = (closedAfter: number | null) => {
      clearInterval(timer)
      clearTimeout(deadline)
      socket.destroy()
      const [statusLine = '', ...rest] = text.split('\r\n')
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0), body: rest.join('\r\n').split('\r\n\r\n').slice(1).join('\r\n\r\n'), closedAfter })
    }
    socket.on('close', () => finish(performance.now() - start))
    const deadline = setTimeout(() => finish(null), waitMs)
    socket.write(head)
  })
}

describe('orders: the API\'s request limits', () => {
  let orders: Awaited<ReturnType<typeof startOrders>>
  before(async () => {
    // No API needed: these requests never get as far as authentication.
    orders = await startOrders({ API_URL: `http://127.0.0.1:${await freePort()}` })
  })
  after(async () => orders?.close())

  test('a request trickled in (body or headers) is cut after 10 s with 408 REQUEST_TIMEOUT, and the connection closed', async () => {
    const body = 'a'.repeat(1000)
    const [post, headers, get] = await Promise.all([
      trickle(orders.url, 'POST /orders/jwt HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n', body, 500, 20_000),
      trickle(orders.url, 'GET /orders/jwt HTTP/1.1\r\nHost: x\r\n', 'X-Slow: ' + 'b'.repeat(200), 500, 20_000),
      trickle(orders.url, 'GET /orders/jwt HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n', body, 500, 20_000),
    ])
    for (const [label, answer] of [['slow body on a POST', post], ['slow headers', headers]] as const) {
      assert.equal(answer.status, 408, `${label}: ${answer.status} ${answer.body}`)
      assert.deepEqual(JSON.parse(answer.body), { statusCode: 408, code: 'REQUEST_TIMEOUT', error: 'Request Timeout', message: 'The request took too long to arrive' }, label)
      assert.ok(answer.closedAfter !== null && answer.closedAfter >= 9500 && answer.closedAfter < 12_000, `${label}: closed after ${answer.closedAfter?.toFixed(0)} ms`)
    }
    // A GET is answered before its body has arrived; the connection still closes at the limit.
    assert.ok(get.status > 0, 'the GET was answered')
    assert.ok(get.closedAfter !== null && get.closedAfter < 12_000, `slow body on a GET: closed after ${get.closedAfter?.toFixed(0)} ms`)
  })

  test('headers too large: 431 HEADERS_TOO_LARGE in the error format, with the security headers', async () => {
    const huge = await fetch(`${orders.url}/orders/session`, { headers: { cookie: `sid=${'x'.repeat(20_000)}` } })
    assert.equal(huge.status, 431)
    assert.equal(((await huge.json()) as { code: string }).code, 'HEADERS_TOO_LARGE')
    assert.equal(huge.headers.get('x-content-type-options'), 'nosniff', 'with the security headers')
  })
})

describe('orders: /orders/health asks Redis', () => {
  test('a paused Redis (SIGSTOP) is reported down within a second, and up again once it resumes', async () => {
    const port = await freePort()
    const redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
    const orders = await startOrders({ API_URL: `http://127.0.0.1:${await freePort()}`, REDIS_URL: `redis://127.0.0.1:${port}` })
    try {
      const health = async () => {
        const start = performance.now()
        const response = await fetch(`${orders.url}/orders/health`)
        return { status: response.status, body: (await response.json()) as { redis: string }, ms: performance.now() - start }
      }
      let up = await health()
      for (let i = 0; i < 40 && up.body.redis !== 'up'; i++) {
        await sleep(100)
        up = await health()
      }
      assert.equal(up.status, 200)
      assert.equal(up.body.redis, 'up')
      redis.kill('SIGSTOP')
      const paused = await health()
      assert.equal(paused.status, 503)
      assert.equal(paused.body.redis, 'down')
      assert.ok(paused.ms < 1500, `${paused.ms.toFixed(0)} ms`)
      redis.kill('SIGCONT')
      let back = await health()
      for (let i = 0; i < 40 && back.body.redis !== 'up'; i++) {
        await sleep(100)
        back = await health()
      }
      assert.equal(back.body.redis, 'up')
    } finally {
      await orders.close()
      redis.kill('SIGCONT')
      redis.kill('SIGKILL')
    }
  })
})
