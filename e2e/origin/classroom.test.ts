// A room of people behind one address (a classroom's NAT), using the default lab (`pnpm demo`:
// embedded Postgres) through its web origin the way its pages do, for a while: nobody honest ever
// sees a 429, nothing answers 5xx, and the processes' memory stays bounded.
import assert from 'node:assert/strict'
import { request } from 'node:http'
import { after, before, test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { REFRESH_STRATEGIES, STRATEGIES, type StrategyName } from '@lab/contracts'
import { Browser, startLab, type Answer, type Lab } from './lab.ts'

const PARTICIPANTS = 30
/** How long the room works; each person acts every few seconds, as people reading a page do. */
const DURATION_MS = 90_000
/** The room's one public address, as the web origin sees it. */
const ROOM = '127.0.0.23'
const USERS = [
  { username: 'alice', password: 'alice-password' },
  { username: 'admin', password: 'admin-password' },
]

const random = (min: number, max: number) => min + Math.random() * (max - min)

interface Tally {
  byStatus: Map<number, number>
  unexpected: string[]
  logins: number
  typos: number
}

/** One person: a tab with the header's health poll and the live record stream, and the lab used by hand. */
async function participant(lab: Lab, index: number, until: number, tally: Tally): Promise<void> {
  const browser = new Browser(lab.webUrl, ROOM, `participant-${index}`)
  const count = (answer: Answer, expected: number[], what: string) => {
    tally.byStatus.set(answer.status, (tally.byStatus.get(answer.status) ?? 0) + 1)
    if (!expected.includes(answer.status)) tally.unexpected.push(`participant ${index}: ${what} → ${answer.status} ${answer.body.slice(0, 120)}`)
  }
  // The page's live record stream, held open as long as the tab is.
  const stream = request(`${lab.webUrl}/api/records`, { localAddress: ROOM, headers: { accept: 'text/event-stream' } }, (response) => {
    count({ status: response.statusCode ?? 0, headers: {}, body: '', ms: 0 }, [200], 'the live record stream')
    response.resume()
  })
  stream.on('error', () => {})
  stream.end()
  // The header polls the stores' health every 3 s while the tab is visible.
  const health = setInterval(() => {
    void browser.call('GET', '/api/health').then((answer) => count(answer, [200], 'health'), () => tally.unexpected.push('health: no answer'))
  }, 3000)
  try {
    while (Date.now() < until) {
      const strategy = STRATEGIES[Math.floor(Math.random() * STRATEGIES.length)] as StrategyName
      const user = USERS[index % 2] as (typeof USERS)[number]
      if (Math.random() < 0.05) {
        tally.typos++
        count(await browser.call('POST', `/api/${strategy}/login`, { ...user, password: `${user.password}x` }), [401], `${strategy} login with a typo`)
      }
      tally.logins++
      count(await browser.call('POST', `/api/${strategy}/login`, user), [200], `${strategy} login`)
      for (let i = 0, n = Math.floor(random(2, 6)); i < n; i++) {
        await sleep(random(300, 1500))
        count(await browser.call('GET', `/api/${strategy}/me`), [200], `${strategy} /me`)
      }
      count(await browser.call('GET', `/api/${strategy}/admin`), [user.username === 'admin' ? 200 : 403], `${strategy} /admin`)
      if ((REFRESH_STRATEGIES as readonly string[]).includes(strategy) && Math.random() < 0.5) {
        count(await browser.call('POST', `/api/${strategy}/refresh`), [200], `${strategy} refresh`)
      }
      if (Math.random() < 0.2) count(await browser.call('GET', `/api/${strategy}/sessions`), [200], `${strategy} sessions`)
      await sleep(random(500, 2500))
      count(await browser.call('POST', `/api/${strategy}/logout`), [204], `${strategy} logout`)
      browser.accessToken = undefined
      await sleep(random(1000, 4000))
    }
  } finally {
    clearInterval(health)
    stream.destroy()
  }
}

let lab: Lab

before(async () => {
  // The default demo (embedded Postgres), with a Redis of its own so no other test's traffic counts against the room.
  lab = await startLab()
})
after(async () => {
  await lab?.stop()
})

test(`${PARTICIPANTS} people behind one address use the lab for ${DURATION_MS / 1000} s: no 429, no 5xx, bounded memory`, async (t) => {
  const rssBefore = lab.apiRssMiB()
  const tally: Tally = { byStatus: new Map(), unexpected: [], logins: 0, typos: 0 }
  const until = Date.now() + DURATION_MS
  let rssPeak = rssBefore
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, lab.apiRssMiB())), 1000)
  try {
    await Promise.all(Array.from({ length: PARTICIPANTS }, (_, index) => sleep(random(0, 3000)).then(() => participant(lab, index, until, tally))))
  } finally {
    clearInterval(sampler)
  }
  const statuses = Object.fromEntries([...tally.byStatus].sort(([a], [b]) => a - b))
  t.diagnostic(
    `${PARTICIPANTS} participants from ${ROOM}: ${tally.logins} logins (${tally.typos} typos), statuses ${JSON.stringify(statuses)}; ` +
      `API memory ${rssBefore.toFixed(0)} MiB before, ${rssPeak.toFixed(0)} MiB at most`,
  )
  assert.deepEqual(tally.unexpected, [], 'every answer is what honest use expects')
  assert.equal(tally.byStatus.get(429) ?? 0, 0, 'nobody is rate-limited')
  assert.ok(![...tally.byStatus.keys()].some((status) => status >= 500), 'no 5xx')
  assert.ok(lab.apiAlive(), 'the API process never exited')
  assert.ok(rssPeak - rssBefore < 150, `the API's memory grew by ${(rssPeak - rssBefore).toFixed(0)} MiB`)
})

test('meanwhile, one person guessing a password from the same room is slowed, and the room is not', async () => {
  const guesser = new Browser(lab.webUrl, ROOM, 'guesser')
  const statuses: number[] = []
  for (let i = 0; i < 14; i++) statuses.push((await guesser.call('POST', '/api/jwt/login', { username: 'admin', password: `guess-${i}` })).status)
  assert.ok(statuses.includes(429), `guessing admin's password is slowed: ${statuses.join(' ')}`)
  const neighbour = new Browser(lab.webUrl, ROOM, 'neighbour')
  assert.equal((await neighbour.call('POST', '/api/session/login', USERS[0])).status, 200, 'another account from the same room logs in at once')
})
