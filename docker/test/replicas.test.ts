import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MEMORY_SESSION, REPLICA_HEADER, REPLICA_PIN_HEADER, STRATEGIES, type Replicas, type RequestRecord } from '@lab/contracts'
import { createDpopKey, isDpopPath, signDpopProof } from '@lab/web/dpop'
import { startReplicas } from '../src/replicas.ts'

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const ALICE = { username: 'alice', password: 'alice-password' }

/** A client that keeps cookies, as a browser does, and can pin a request to one replica; for jwt-dpop, it holds a key and signs a proof for the URL it uses. */
function client(base: string) {
  const cookies = new Map<string, string>()
  let token: string | undefined
  let key: CryptoKeyPair | undefined
  return async (method: 'GET' | 'POST', path: string, { replica, body }: { replica?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {}
    if (replica) headers[REPLICA_PIN_HEADER] = replica
    if (cookies.size) headers.cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    if (isDpopPath(path)) {
      // nginx must pass on the Host with its port: the proof names the URL, port included.
      key ??= await createDpopKey()
      headers.dpop = await signDpopProof(key, method, `${base}${path}`, token)
      if (token) headers.authorization = `DPoP ${token}`
    } else if (token) headers.authorization = `Bearer ${token}`
    if (body) headers['content-type'] = 'application/json'
    const response = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      const [name, value] = (pair ?? '').split(/=(.*)/s) as [string, string]
      cookies.set(name, value)
    }
    const json = response.headers.get('content-type')?.includes('json') ? ((await response.json()) as Record<string, unknown>) : null
    if (typeof json?.accessToken === 'string') token = json.accessToken
    return { status: response.status, replica: response.headers.get(REPLICA_HEADER), json }
  }
}

test('behind real nginx, replicas take turns, and only a session kept in one replica\'s memory is lost in a hop', async (t) => {
  const topology = await startReplicas({
    count: 2,
    port: 0,
    env: { ...process.env, LAB_PROFILE: 'demo', DATABASE_URL, REDIS_URL, LOG_LEVEL: 'warn' },
    log: (line) => t.diagnostic(line),
  })
  t.after(() => topology.stop())
  const base = topology.url

  await t.test('the load balancer names its replicas', async () => {
    const body = (await (await fetch(`${base}/api/replicas`)).json()) as Replicas
    assert.deepEqual(body.replicas, ['api-1', 'api-2'])
  })

  await t.test('round-robin: consecutive requests alternate between the replicas', async () => {
    const served: string[] = []
    for (let i = 0; i < 6; i++) served.push((await fetch(`${base}/api/health`)).headers.get(REPLICA_HEADER) ?? '')
    assert.deepEqual(new Set(served), new Set(['api-1', 'api-2']))
    for (let i = 1; i < served.length; i++) assert.notEqual(served[i], served[i - 1], `request ${i} went to the same replica: ${served.join(', ')}`)
  })

  await t.test('X-Lab-Replica pins a request to the replica it names; an unknown name falls back to round-robin', async () => {
    for (const name of ['api-2', 'api-1', 'api-2', 'api-2']) {
      const response = await fetch(`${base}/api/health`, { headers: { [REPLICA_PIN_HEADER]: name } })
      assert.equal(response.headers.get(REPLICA_HEADER), name)
    }
    const response = await fetch(`${base}/api/health`, { headers: { [REPLICA_PIN_HEADER]: 'api-9' } })
    assert.match(response.headers.get(REPLICA_HEADER) ?? '', /^api-[12]$/)
  })

  for (const strategy of STRATEGIES) {
    await t.test(`${strategy}: logged in on api-1, recognised on api-2`, async () => {
      const send = client(base)
      const login = await send('POST', `/api/${strategy}/login`, { replica: 'api-1', body: ALICE })
      assert.equal(login.status, 200)
      assert.equal(login.replica, 'api-1')
      const me = await send('GET', `/api/${strategy}/me`, { replica: 'api-2' })
      assert.deepEqual([me.status, me.replica], [200, 'api-2'])
    })
  }

  await t.test(`${MEMORY_SESSION}: logged in on api-1, a stranger to api-2`, async () => {
    const send = client(base)
    const login = await send('POST', `/api/replicas/${MEMORY_SESSION}/login`, { replica: 'api-1', body: ALICE })
    assert.deepEqual([login.status, login.replica], [200, 'api-1'])
    assert.deepEqual((await send('GET', `/api/replicas/${MEMORY_SESSION}/me`, { replica: 'api-1' })).status, 200)
    const hop = await send('GET', `/api/replicas/${MEMORY_SESSION}/me`, { replica: 'api-2' })
    assert.deepEqual([hop.status, hop.replica, hop.json?.code], [401, 'api-2', 'AUTH_INVALID'])
  })

  await t.test('the live record stream passes nginx unbuffered and names the replica', async () => {
    const stream = new AbortController()
    t.after(() => stream.abort())
    const events = await fetch(`${base}/api/records`, { headers: { [REPLICA_PIN_HEADER]: 'api-2' }, signal: stream.signal })
    const request = await fetch(`${base}/api/jwt/me`, { headers: { [REPLICA_PIN_HEADER]: 'api-2' } })
    const requestId = request.headers.get('x-request-id')
    let buffer = ''
    const decoder = new TextDecoder()
    const deadline = AbortSignal.timeout(5000)
    for await (const chunk of events.body as ReadableStream<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true })
      const match = [...buffer.matchAll(/^data: (.*)$/gm)].map((line) => JSON.parse(line[1] as string) as RequestRecord).find((record) => record.requestId === requestId)
      if (match) {
        assert.equal(match.replica, 'api-2')
        return
      }
      if (deadline.aborted) break
    }
    assert.fail('the record did not come through nginx within 5 s')
  })
})
