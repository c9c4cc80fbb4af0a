// The built web lab (`pnpm build`: .next/standalone, served by server/main.ts) in both profiles,
// in front of a real HTTP server in the API's place.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { DEMO_ONLY_PATHS } from '../src/lib/views.ts'
import { LOGIN_COOKIES, startUpstream, type Upstream } from './upstream.ts'

const STANDALONE = new URL('../.next/standalone/apps/web/', import.meta.url)
const MAIN = fileURLToPath(new URL('server/main.ts', STANDALONE))

interface Lab {
  url: string
  child: ChildProcess
}

/** Starts the built origin on a free port; ready when it says where it listens. */
async function startLab(profile: 'demo' | 'production', apiUrl: string): Promise<Lab> {
  const env: NodeJS.ProcessEnv = { NODE_ENV: 'production', PATH: process.env.PATH, LAB_PROFILE: profile, API_URL: apiUrl, WEB_PORT: '0', NEXT_TELEMETRY_DISABLED: '1' }
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })
  for await (const line of lines) {
    const url = /^web lab on (http:\/\/\S+)/.exec(line)?.[1]
    if (url) return { url, child }
  }
  throw new Error(`the built web lab (${profile}) exited before listening: run pnpm build first`)
}

async function stop(lab: Lab | undefined) {
  if (!lab || lab.child.exitCode !== null) return
  lab.child.kill('SIGTERM')
  await once(lab.child, 'exit')
}

let upstream: Upstream
let production: Lab
let demo: Lab

before(async () => {
  upstream = await startUpstream()
  ;[production, demo] = await Promise.all([startLab('production', upstream.url), startLab('demo', upstream.url)])
})
after(async () => {
  await Promise.all([stop(production), stop(demo)])
  await upstream.close()
})

const VIEWS = ['/outage', '/range', '/bench', '/workshop', '/replicas', '/token-storage', '/two-tabs']
/** Each demo-only route, asked so that it answers without doing anything (no run, nothing stolen). */
const ROUTES: Array<{ path: string; init: RequestInit }> = [
  { path: '/attacker/steal', init: { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } } },
  { path: '/attacker/replay', init: { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } } },
  { path: '/attacker/login', init: { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } } },
  // the simulated XSS payload is a static file, under a demo-only path
  { path: '/token-storage/payload.js', init: {} },
  { path: '/bench/run', init: { method: 'POST', headers: { 'sec-fetch-site': 'cross-site' } } },
]

test('in production the demo-only views and routes answer 404, and the nav does not offer them', async () => {
  for (const path of VIEWS) {
    const response = await fetch(`${production.url}${path}`)
    assert.equal(response.status, 404, path)
    assert.match(await response.text(), /Not in this lab/, path)
  }
  for (const { path, init } of ROUTES) assert.equal((await fetch(`${production.url}${path}`, init)).status, 404, path)
  const page = await (await fetch(production.url)).text()
  for (const path of VIEWS) assert.doesNotMatch(page, new RegExp(`href="${path}"`), path)
  // What works without the thief stays.
  assert.equal((await fetch(`${production.url}/revocation`)).status, 200)
  assert.equal((await fetch(`${production.url}/inspector`)).status, 200)
  assert.equal((await fetch(`${production.url}/devices`)).status, 200)
})

test('in the demo profile they are all there, and in the nav', async () => {
  const page = await (await fetch(demo.url)).text()
  for (const path of VIEWS) {
    assert.equal((await fetch(`${demo.url}${path}`)).status, 200, path)
    assert.match(page, new RegExp(`href="${path}"`), path)
  }
  for (const { path, init } of ROUTES) assert.notEqual((await fetch(`${demo.url}${path}`, init)).status, 404, path)
})

test('the demo-only paths are exactly the routes under app/(demo)', async () => {
  const manifest = JSON.parse(await readFile(new URL('.next/app-path-routes-manifest.json', STANDALONE), 'utf8')) as Record<string, string>
  const underDemo = new Set(Object.entries(manifest).filter(([file]) => file.startsWith('/(demo)/')).map(([, route]) => `/${route.split('/')[1]}`))
  assert.deepEqual([...underDemo].sort(), [...DEMO_ONLY_PATHS].sort())
})

test("every page carries the lab's security headers, and Next puts the policy's nonce on its scripts", async () => {
  for (const path of ['/', '/revocation', '/inspector', '/no-such-view']) {
    const response = await fetch(`${production.url}${path}`)
    const policy = response.headers.get('content-security-policy') ?? ''
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1]
    assert.ok(nonce, `${path}: a nonce in ${policy}`)
    assert.match(policy, /frame-ancestors 'none'/)
    assert.doesNotMatch(policy, /unsafe-eval/)
    assert.equal(response.headers.get('x-frame-options'), 'DENY')
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(response.headers.get('cross-origin-opener-policy'), 'same-origin')
    assert.ok(response.headers.get('referrer-policy'))
    assert.ok(response.headers.get('permissions-policy'))
    const scripts = (await response.text()).match(/<script\b[^>]*>/g) ?? []
    assert.ok(scripts.length > 0)
    for (const script of scripts) assert.ok(script.includes(`nonce="${nonce}"`), `${path}: ${script}`)
  }
})

/** One raw request to the lab; the answer, and whether the origin closed the connection within 2 s. */
async function raw(lab: Lab, text: string): Promise<{ answer: string; closed: boolean }> {
  const { hostname, port } = new URL(lab.url)
  const socket = connect(Number(port), hostname)
  let answer = ''
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk))
  socket.on('error', () => {})
  socket.write(text)
  const closed = await Promise.race([once(socket, 'close').then(() => true), new Promise<false>((resolve) => setTimeout(resolve, 2000, false))])
  socket.destroy()
  return { answer, closed }
}

test("once Next has served a page (and listens for upgrades), an Upgrade request still gets a 501 UPGRADE_NOT_SUPPORTED and its connection closes", async () => {
  for (const lab of [production, demo]) {
    assert.equal((await fetch(`${lab.url}/`)).status, 200)
    for (const path of ['/api/health', '/orders/health', '/', '/_next/webpack-hmr']) {
      const { answer, closed } = await raw(lab, `GET ${path} HTTP/1.1\r\nHost: lab\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`)
      assert.match(answer, /^HTTP\/1\.1 501 /, path)
      assert.match(answer, /"code":"UPGRADE_NOT_SUPPORTED"/, path)
      assert.ok(closed, `${path}: the connection stayed open`)
    }
  }
})

test('OPTIONS *, GET * and absolute-form targets get a 400 BAD_REQUEST from the built origin: no 500, no redirect to another host', async () => {
  for (const line of ['OPTIONS *', 'GET *', 'GET http://evil.example/x', 'GET http://evil.example/api/health']) {
    const { answer } = await raw(production, `${line} HTTP/1.1\r\nHost: lab\r\n\r\n`)
    assert.match(answer, /^HTTP\/1\.1 400 /, line)
    assert.match(answer, /"code":"BAD_REQUEST"/, line)
    assert.doesNotMatch(answer, /\r\nlocation:/i, line)
  }
})

test('the image optimizer is off: /_next/image answers 404, for a file it could fetch as for the API', async () => {
  const page = await (await fetch(production.url)).text()
  const asset = /<script src="(\/_next\/static\/[^"]+)"/.exec(page)?.[1]
  assert.ok(asset)
  const before = upstream.received.length
  for (const url of [asset, '/api/v1/../records']) {
    const response = await fetch(`${production.url}/_next/image?url=${encodeURIComponent(url)}&w=64&q=75`)
    await response.arrayBuffer()
    assert.equal(response.status, 404, url)
  }
  assert.deepEqual(upstream.received.slice(before).filter((entry) => entry.url !== '/api/health'), [])
})

test("the thief keeps what it steals on the server: the page gets a receipt without the secret, and a replay sends every stolen cookie", async () => {
  const exp = Math.floor(Date.now() / 1000) + 60
  const at = `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: 'alice', exp })).toString('base64url')}.c2lnbmF0dXJl`
  const steal = (path: string, strategy: string, cookie: string) =>
    fetch(`${demo.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ strategy }) })

  // at is scoped to /api/jwt-cookie: it is taken there, where the origin plays the thief.
  const response = await steal('/api/jwt-cookie/attacker/steal', 'jwt-cookie', `sid=s1; at=${at}`)
  assert.equal(response.status, 200)
  const text = await response.text()
  assert.ok(!text.includes(at.split('.')[1] as string), 'the receipt never carries the stolen value')
  const receipt = JSON.parse(text) as { kind: string; id: string; cookies: Array<{ name: string; length: number }>; expiresAt: string }
  assert.deepEqual(receipt.cookies, [{ name: 'at', length: at.length }])
  assert.equal(receipt.expiresAt, new Date(exp * 1000).toISOString())

  const since = upstream.received.length
  const replay = await fetch(`${demo.url}/attacker/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ strategy: 'jwt-cookie', target: 'me', credential: { kind: 'cookies', id: receipt.id } }),
  })
  await replay.arrayBuffer()
  const sent = upstream.received.slice(since).find((entry) => entry.url === '/api/jwt-cookie/me')
  assert.equal(sent?.headers.cookie, `at=${at}`)
  assert.equal(sent?.headers.authorization, undefined)

  // A receipt is good for its own strategy's API only.
  const elsewhere = await fetch(`${demo.url}/attacker/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ strategy: 'jwt', target: 'me', credential: { kind: 'cookies', id: receipt.id } }),
  })
  assert.equal(elsewhere.status, 400)

  // session-cached's credential is two cookies: one alone is not it; both are, and both are replayed.
  assert.equal((await steal('/attacker/steal', 'session-cached', 'sid_cached=s2')).status, 404)
  const both = (await (await steal('/attacker/steal', 'session-cached', `sid_cached=s2; session_cache=${at}`)).json()) as { id: string }
  const before = upstream.received.length
  await (
    await fetch(`${demo.url}/attacker/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ strategy: 'session-cached', target: 'me', credential: { kind: 'cookies', id: both.id } }),
    })
  ).arrayBuffer()
  assert.equal(upstream.received.slice(before).find((entry) => entry.url === '/api/session-cached/me')?.headers.cookie, `sid_cached=s2; session_cache=${at}`)
})

/** Asks the demo lab's thief to replay a credential, and returns its answer with what reached the API. */
async function replay(strategy: string, target: string, credential: unknown) {
  const since = upstream.received.length
  const response = await fetch(`${demo.url}/attacker/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ strategy, target, credential }),
  })
  await response.arrayBuffer()
  return { status: response.status, sent: upstream.received.slice(since).find((entry) => entry.url === `/api/${strategy}/${target}`) }
}

const loginElsewhere = (body: object) =>
  fetch(`${demo.url}/attacker/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'the browser' },
    body: JSON.stringify({ username: 'alice', password: 'alice-password', ...body }),
  })

interface Receipt {
  kind: string
  id: string
  cookies: Array<{ name: string; length: number }>
  expiresAt: string | null
}

test("a login the thief makes as another device: its cookies stay in the thief's pocket, the page gets receipts, and replays by receipt send them all", async () => {
  const since = upstream.received.length
  const response = await loginElsewhere({ strategy: 'session-cached', device: 'phone', ttl: 8 })
  assert.equal(response.status, 200)
  assert.equal(response.headers.get('set-cookie'), null, "another device's cookies are not this browser's")
  assert.equal(response.headers.get('x-request-id'), 'login-1')
  const text = await response.text()
  for (const value of [LOGIN_COOKIES.sid_cached, LOGIN_COOKIES.session_cache.split('.')[1] as string, LOGIN_COOKIES.device]) assert.ok(!text.includes(value), `no cookie value reaches the page: ${value}`)
  const sent = upstream.received.slice(since).find((entry) => entry.url === '/api/session-cached/login?ttl=8')
  assert.equal(sent?.headers['user-agent'], 'phone')
  assert.equal(sent?.headers.cookie, undefined)

  const held = JSON.parse(text) as { login: { user: { username: string } }; credential: Receipt; refresh: Receipt | null }
  assert.equal(held.login.user.username, 'alice')
  assert.equal(held.refresh, null)
  assert.deepEqual(held.credential.cookies, [
    { name: 'sid_cached', length: LOGIN_COOKIES.sid_cached.length },
    { name: 'session_cache', length: LOGIN_COOKIES.session_cache.length },
  ])
  assert.equal(held.credential.expiresAt, new Date(LOGIN_COOKIES.exp * 1000).toISOString())

  // The device's own list of logins, then its /me: both credential cookies as the API set them, nothing else it set.
  for (const target of ['sessions', 'me']) {
    const { status, sent: replayed } = await replay('session-cached', target, { kind: 'cookies', id: held.credential.id })
    assert.equal(status, 200, target)
    assert.equal(replayed?.headers.cookie, `sid_cached=${LOGIN_COOKIES.sid_cached}; session_cache=${LOGIN_COOKIES.session_cache}`, target)
  }
  assert.equal((await replay('session-cached', 'refresh', { kind: 'cookies', id: held.credential.id })).status, 400, 'session-cached has no refresh route')
})

test("a login shared with this browser: the browser gets the API's Set-Cookie, the thief a copy of the refresh token that the page knows by its receipt alone", async () => {
  const response = await loginElsewhere({ strategy: 'jwt', share: true })
  assert.equal(response.status, 200)
  assert.ok(response.headers.getSetCookie().some((line) => line.startsWith(`rt=${LOGIN_COOKIES.rt};`)), 'the login is this browser’s')
  const text = await response.text()
  assert.ok(!text.includes(LOGIN_COOKIES.rt), 'the page never reads the refresh token')
  const held = JSON.parse(text) as { credential: { kind: string; token: string; expiresAt: string }; refresh: Receipt }
  // A bearer token is the login's answer itself, which its client reads by design.
  assert.deepEqual(held.credential, { kind: 'bearer', token: LOGIN_COOKIES.accessToken, expiresAt: new Date(LOGIN_COOKIES.exp * 1000).toISOString() })
  assert.deepEqual(held.refresh.cookies, [{ name: 'rt', length: LOGIN_COOKIES.rt.length }])
  assert.equal(held.refresh.expiresAt, null)

  const { status, sent } = await replay('jwt', 'refresh', { kind: 'cookies', id: held.refresh.id })
  assert.equal(status, 200)
  assert.equal(sent?.method, 'POST')
  assert.equal(sent?.headers.cookie, `rt=${LOGIN_COOKIES.rt}`)
  assert.equal((await replay('jwt-denylist', 'refresh', { kind: 'cookies', id: held.refresh.id })).status, 400, 'a receipt is good for its own strategy only')
})

test('the thief takes no cookie value from a page: only a receipt, a bearer token, or what a script reads in document.cookie', async () => {
  const at = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2ln'
  for (const credential of [
    { kind: 'cookies', cookies: { sid: 's%3Aplanted.sig' } },
    { kind: 'cookie', name: 'rt', value: 'planted' },
    { kind: 'cookies', id: '00000000-0000-4000-8000-000000000000' },
  ]) {
    assert.equal((await replay('session', 'me', credential)).status, 400, JSON.stringify(credential))
  }
  // document.cookie holds no HttpOnly cookie: what is there goes on only if it is the strategy's credential.
  const readable = await replay('jwt-cookie', 'me', { kind: 'document.cookie', value: 'theme=dark' })
  assert.equal(readable.status, 200)
  assert.equal(readable.sent?.headers.cookie, undefined)
  assert.equal((await replay('jwt-cookie', 'me', { kind: 'document.cookie', value: `theme=dark; at=${at}` })).sent?.headers.cookie, `at=${at}`)
  assert.equal((await replay('jwt', 'me', { kind: 'document.cookie', value: `at=${at}` })).status, 400, 'only for the strategies whose credential is a cookie')
})
