// jwt-dpop through the web origin, as a browser uses it: the proof is signed for the origin's URL
// (http://127.0.0.1:WEB_PORT/api/jwt-dpop/…), and the API, listening elsewhere behind the origin's
// proxy, must rebuild that URL from the forwarding headers of its own proxy and of no one else.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { countRoundTrips } from '@lab/contracts'
import { createDpopKey, signDpopProof } from '@lab/web/dpop'
import { Browser, send, startLab, type Answer, type Lab } from './lab.ts'

let lab: Lab
before(async () => {
  lab = await startLab()
})
after(async () => {
  await lab?.stop()
})

const ME = '/api/jwt-dpop/me'
const codeOf = (answer: Answer) => (JSON.parse(answer.body) as { code?: string }).code

async function loggedIn(): Promise<Browser> {
  const browser = new Browser(lab.webUrl, '127.0.0.60')
  const login = await browser.call('POST', '/api/jwt-dpop/login', { username: 'alice', password: 'alice-password' })
  assert.equal(login.status, 200, login.body)
  return browser
}

/** GET /me through the origin with this browser's token and the given proof, and any extra headers. */
const meWith = (browser: Browser, proof: string, url = `${lab.webUrl}${ME}`, headers: Record<string, string> = {}) =>
  send(url, { headers: { authorization: `DPoP ${browser.accessToken}`, dpop: proof, ...headers }, from: browser.from })

test('a browser signs for the web origin’s URL and the API behind the proxy agrees: 200, one Redis SET', async () => {
  const browser = await loggedIn()
  const me = await browser.call('GET', ME)
  assert.equal(me.status, 200, me.body)
  assert.deepEqual(countRoundTrips(me.headers['server-timing'] as string), { redis: 1, pg: 0 })
  const refreshed = await browser.call('POST', '/api/jwt-dpop/refresh')
  assert.equal(refreshed.status, 200, refreshed.body)
  assert.equal((await browser.call('GET', ME)).status, 200)
  assert.equal((await browser.call('POST', '/api/jwt-dpop/logout')).status, 204)
})

test('through the origin: a replayed proof, a proof for the API’s own URL and a client’s forged X-Forwarded-Host are refused', async () => {
  const browser = await loggedIn()
  const key = browser.dpopKey as CryptoKeyPair
  const proof = await signDpopProof(key, 'GET', `${lab.webUrl}${ME}`, browser.accessToken)
  assert.equal((await meWith(browser, proof)).status, 200)
  const replayed = await meWith(browser, proof)
  assert.equal(replayed.status, 401)
  assert.equal(codeOf(replayed), 'DPOP_PROOF_REPLAYED')

  const forApi = await meWith(browser, await signDpopProof(key, 'GET', `${lab.apiUrl}${ME}`, browser.accessToken))
  assert.equal(codeOf(forApi), 'DPOP_PROOF_WRONG_TARGET', 'the API is reached at the origin’s URL, not its own')

  const forged = await meWith(browser, await signDpopProof(key, 'GET', `https://evil.example${ME}`, browser.accessToken), undefined, {
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
  })
  assert.equal(codeOf(forged), 'DPOP_PROOF_WRONG_TARGET', 'the origin passes no forwarding header a client sent')

  const direct = await meWith(browser, await signDpopProof(key, 'GET', `${lab.webUrl}${ME}`, browser.accessToken), `${lab.apiUrl}${ME}`)
  assert.equal(codeOf(direct), 'DPOP_PROOF_WRONG_TARGET', 'sent to the API directly, a proof for the origin is for another URL')
})

test('garbage and oversized DPoP headers through the origin: a 4xx in the lab’s format, never a 5xx', async () => {
  const browser = await loggedIn()
  for (const proof of ['garbage', 'a.b.c', `${'x'.repeat(3000)}.${'y'.repeat(3000)}.z`, 'x'.repeat(60_000)]) {
    const answer = await meWith(browser, proof)
    assert.ok(answer.status >= 400 && answer.status < 500, `${proof.slice(0, 20)}: ${answer.status} ${answer.body.slice(0, 200)}`)
  }
  assert.equal((await browser.call('GET', ME)).status, 200, 'and the owner is still in')
})

test('with PUBLIC_URL the API expects htu on its host, whatever Host a client sends: a proof made for another host is refused', async (t) => {
  const publicUrl = 'http://lab.example'
  const pinned = await startLab({ PUBLIC_URL: publicUrl })
  t.after(() => pinned.stop())
  const from = '127.0.0.62'
  const key = await createDpopKey()
  const login = await send(`${pinned.webUrl}/api/jwt-dpop/login`, {
    method: 'POST',
    from,
    headers: { host: 'lab.example', 'content-type': 'application/json', dpop: await signDpopProof(key, 'POST', `${publicUrl}/api/jwt-dpop/login`) },
    body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
  })
  assert.equal(login.status, 200, login.body)
  const token = (JSON.parse(login.body) as { accessToken: string }).accessToken
  const me = async (host: string, htuOrigin: string) =>
    send(`${pinned.webUrl}${ME}`, { from, headers: { host, authorization: `DPoP ${token}`, dpop: await signDpopProof(key, 'GET', `${htuOrigin}${ME}`, token) } })
  assert.equal((await me('lab.example', publicUrl)).status, 200, 'a proof for the public URL')
  assert.equal((await me(new URL(pinned.webUrl).host, publicUrl)).status, 200, 'reached at another address (behind a terminator), still the public URL')
  const evil = await me('evil.example', 'http://evil.example')
  assert.equal(evil.status, 401, evil.body)
  assert.equal(codeOf(evil), 'DPOP_PROOF_WRONG_TARGET', 'a Host of the client’s choosing does not choose the htu')
})
