// Hostile requests through the web origin, as an attacker on the network sends them: forged
// forwarding headers, huge and trickled bodies, control characters, the image optimizer. Each gets
// a clear 4xx in the lab's error format, fast, and nothing gives way behind the origin.
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { after, before, test } from 'node:test'
import { Browser, send, startLab, type Answer, type Lab } from './lab.ts'

let lab: Lab
before(async () => {
  lab = await startLab({ CLIENT_RATE_LIMIT: '5' })
})
after(async () => {
  await lab?.stop()
})

const login = (username: string, password = 'alice-password') => JSON.stringify({ username, password })

test('forged forwarding headers do not make a client someone else: the limit per address holds', async () => {
  const statuses: number[] = []
  for (let i = 0; i < 7; i++) {
    const answer = await send(`${lab.webUrl}/api/jwt/login`, {
      method: 'POST',
      from: '127.0.0.77',
      headers: {
        'content-type': 'application/json',
        'x-forwarded-for': `203.0.113.${i}`,
        forwarded: `for=198.51.100.${i}`,
        'x-real-ip': `192.0.2.${i}`,
      },
      body: login('alice'),
    })
    statuses.push(answer.status)
  }
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429], 'CLIENT_RATE_LIMIT=5 counted one client, whatever it claimed')
  const other = await send(`${lab.webUrl}/api/jwt/login`, { method: 'POST', from: '127.0.0.78', headers: { 'content-type': 'application/json' }, body: login('alice') })
  assert.equal(other.status, 200, 'another address is another client')
})

test('a huge body is refused at once with 413, before anything is buffered', async () => {
  const declared = await send(`${lab.webUrl}/api/jwt/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(200 * 1024 * 1024) },
    body: undefined,
  }).catch((error: Error) => ({ status: 0, body: error.message, ms: 0, headers: {} }))
  assert.equal(declared.status, 413, declared.body)
  assert.equal(JSON.parse(declared.body).code, 'PAYLOAD_TOO_LARGE')
  const streamed = await send(`${lab.webUrl}/api/jwt/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"username":"${'a'.repeat(64 * 1024)}"}` })
  assert.equal(streamed.status, 413)
})

test('a body trickled byte by byte is cut off with 408 after 10 s', async (t) => {
  const { port } = new URL(lab.webUrl)
  const socket = connect(Number(port), '127.0.0.1')
  let answer = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
  socket.on('error', () => {})
  await new Promise((resolve) => socket.once('connect', resolve))
  const started = performance.now()
  socket.write('POST /api/jwt/login HTTP/1.1\r\nHost: lab\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{')
  const trickle = setInterval(() => socket.writable && socket.write(' '), 1000)
  await new Promise((resolve) => socket.once('close', resolve))
  clearInterval(trickle)
  const seconds = (performance.now() - started) / 1000
  t.diagnostic(`cut off after ${seconds.toFixed(1)} s`)
  assert.match(answer, /^HTTP\/1\.1 408 /)
  assert.ok(seconds < 12.5, `cut off after ${seconds.toFixed(1)} s`)
})

test('control characters in a username are a 400 on every strategy, never a 5xx', async () => {
  const browser = new Browser(lab.webUrl, '127.0.0.79')
  for (const username of ['ali\u0000ce', 'alice\r\nSet-Cookie: x=1', '\u001b[31malice']) {
    for (const strategy of ['session', 'session-pg', 'jwt']) {
      const answer = await browser.call('POST', `/api/${strategy}/login`, { username, password: 'alice-password' })
      assert.equal(answer.status, 400, `${strategy} ${JSON.stringify(username)}: ${answer.body}`)
      assert.equal(JSON.parse(answer.body).code, 'BAD_REQUEST')
    }
  }
  assert.ok(lab.apiAlive())
})

test('the image optimizer is not there to open streams to the API', async () => {
  for (const url of ['/_next/image?url=/api/records&w=64&q=75', '/_next/image?url=%2Fapi%2Fv1%2F..%2Frecords&w=64&q=75']) {
    const answer = await send(`${lab.webUrl}${url}`, { timeoutMs: 5000 })
    assert.equal(answer.status, 404, url)
  }
})

test('a frozen API or orders service (SIGSTOP) is a 504 API_TIMEOUT through the origin within about 5 s, not a hang; both answer again once resumed', async () => {
  for (const [service, path, name] of [
    ['api', '/api/health', 'the API'],
    ['orders', '/orders/health', 'the orders service'],
  ] as const) {
    const resume = await lab.freeze(service)
    let answer: Answer
    try {
      answer = await send(`${lab.webUrl}${path}`, { timeoutMs: 12_000 })
    } finally {
      resume()
    }
    assert.equal(answer.status, 504, `${path}: ${answer.body}`)
    assert.deepEqual(JSON.parse(answer.body), { statusCode: 504, code: 'API_TIMEOUT', error: 'Gateway Timeout', message: `The web lab got no answer from ${name} within 5 s` })
    assert.ok(answer.ms >= 5000 && answer.ms < 6500, `${path}: 504 after ${Math.round(answer.ms)} ms`)
    assert.equal((await send(`${lab.webUrl}${path}`)).status, 200, `${path} once ${service} resumed`)
  }
})
