import type { Locator, Page } from '@playwright/test'
import { expect, openView, test } from '../lab-test.ts'
import { STRATEGIES, type StrategyName } from '@lab/contracts'
import { expectAccessible } from '../accessibility.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

/** Round trips per authenticated request, as the contract states them. */
const CONTRACT: Record<StrategyName, { redis: number; pg: number }> = {
  session: { redis: 1, pg: 0 },
  'session-pg': { redis: 0, pg: 1 },
  // while its signed copy is fresh
  'session-cached': { redis: 0, pg: 0 },
  jwt: { redis: 0, pg: 0 },
  'jwt-denylist': { redis: 1, pg: 0 },
  'jwt-cookie': { redis: 0, pg: 0 },
  // the proof's jti, written once
  'jwt-dpop': { redis: 1, pg: 0 },
}

/** What a replay of the credential captured before logout gets, per the contract's "logout revokes". */
const REPLAY_AFTER_LOGOUT: Record<StrategyName, { status: number; code: string }> = {
  session: { status: 401, code: 'AUTH_INVALID' },
  'session-pg': { status: 401, code: 'AUTH_INVALID' },
  // the stolen copy is still fresh
  'session-cached': { status: 200, code: '' },
  jwt: { status: 200, code: '' },
  'jwt-denylist': { status: 401, code: 'AUTH_REVOKED' },
  'jwt-cookie': { status: 200, code: '' },
  // the thief holds the token, not the key: refused before logout as after
  'jwt-dpop': { status: 401, code: 'DPOP_KEY_MISMATCH' },
}

const TIMES = 3

const requests = (pane: Locator, label: string) => pane.locator(`[data-testid=request][data-label="${label}"]`)

/** Waits for a request's live record, then returns what its row shows. */
async function settled(row: Locator) {
  await expect(row).toHaveAttribute('data-source', 'record')
  return {
    status: Number(await row.getAttribute('data-status')),
    code: (await row.getAttribute('data-code')) ?? '',
    redis: Number(await row.getAttribute('data-redis')),
    pg: Number(await row.getAttribute('data-pg')),
    redisMarks: await row.locator('[data-testid=round-trip][data-store=redis]').count(),
    pgMarks: await row.locator('[data-testid=round-trip][data-store=pg]').count(),
  }
}

async function click(pane: Locator, name: string | RegExp) {
  await pane.getByRole('button', { name, exact: typeof name === 'string' }).click()
  await expect(pane.getByRole('button', { name: 'Log in' })).toBeEnabled()
}

async function openAllPanes(page: Page) {
  await openView(page, '/')
  for (const strategy of STRATEGIES) {
    if ((await page.getByTestId(`pane-${strategy}`).count()) === 0) await page.getByTestId('add-pane').selectOption(strategy)
  }
  for (const strategy of STRATEGIES) await expect(page.getByTestId(`pane-${strategy}`)).toBeVisible()
}

test('compare: login, N × /me, /admin, logout and replay, for every strategy side by side', async ({ page }) => {
  await openAllPanes(page)
  for (const strategy of STRATEGIES) {
    await test.step(strategy, async () => {
      const pane = page.getByTestId(`pane-${strategy}`)
      await pane.getByTestId('user').selectOption('alice')
      await click(pane, 'Log in')
      expect((await settled(requests(pane, 'login').first())).status).toBe(200)
      await expect(pane.getByTestId('stolen')).toContainText('The thief holds')
      // session-cached's credential is both cookies: the thief needs the session id and the signed copy.
      if (strategy === 'session-cached') await expect(pane.getByTestId('stolen')).toContainText(/sid_cached \(\d+ characters\) \+ session_cache \(\d+ characters\)/)

      await pane.getByTestId('times').fill(String(TIMES))
      await click(pane, `GET /me ×${TIMES}`)
      const me = requests(pane, '/me')
      await expect(me).toHaveCount(TIMES)
      const shown = []
      for (let i = 0; i < TIMES; i++) shown.push(await settled(me.nth(i)))
      for (const row of shown) {
        expect(row.status).toBe(200)
        expect({ redis: row.redis, pg: row.pg }, `${strategy} round trips per /me`).toEqual(CONTRACT[strategy])
        expect({ redis: row.redisMarks, pg: row.pgMarks }, `${strategy} marks per /me`).toEqual(CONTRACT[strategy])
      }

      await click(pane, 'GET /admin')
      const admin = await settled(requests(pane, '/admin').first())
      expect([admin.status, admin.code]).toEqual([403, 'FORBIDDEN'])

      await click(pane, 'Log out')
      const logout = await settled(requests(pane, 'logout').first())
      expect(logout.status).toBe(204)

      await pane.getByTestId('times').fill('1')
      await click(pane, 'GET /me ×1')
      const afterLogout = await settled(requests(pane, '/me').first())
      expect(afterLogout.status, 'the browser itself is logged out').toBe(401)

      await click(pane, 'Replay stolen credential')
      const replay = await settled(requests(pane, 'replay').first())
      expect({ status: replay.status, code: replay.code }).toEqual(REPLAY_AFTER_LOGOUT[strategy])
      if (strategy === 'session-cached') expect(replay.redis + replay.pg, 'the stolen fresh copy is trusted without asking Redis').toBe(0)

      const totals = page.locator(`[data-testid=totals] tr[data-strategy="${strategy}"]`)
      const rows = await pane.locator('[data-testid=request]').all()
      let redis = 0
      let pg = 0
      for (const row of rows) {
        redis += Number(await row.getAttribute('data-redis'))
        pg += Number(await row.getAttribute('data-pg'))
      }
      await expect(totals.getByTestId('total-requests')).toHaveText(String(rows.length))
      await expect(totals.getByTestId('total-redis')).toHaveText(String(redis))
      await expect(totals.getByTestId('total-pg')).toHaveText(String(pg))

      observe({
        journey: 'Compare: alice logs in, calls /me, /admin, logs out; a thief replays her credential',
        strategy,
        seen: {
          [`Redis round trips per /me (${TIMES} calls)`]: shown.map((row) => row.redis).join(', '),
          'Postgres round trips per /me': shown.map((row) => row.pg).join(', '),
          'alice on /admin': `${admin.status} ${admin.code}`,
          logout: logout.status,
          '/me from the browser after logout': `${afterLogout.status} ${afterLogout.code}`,
          'replay of the stolen credential': `${replay.status} ${replay.code}`.trim(),
          'round trips per replay': replay.redis + replay.pg,
        },
        screenshot: screenshotPath('compare').relative,
      })
    })
  }
  await page.screenshot({ path: screenshotPath('compare').path, fullPage: true })
  await expectAccessible(page, 'compare after every strategy ran')
  // On a phone each pane's header (a long strategy name, its figure, Remove) wraps instead of scrolling sideways.
  await page.setViewportSize({ width: 390, height: 844 })
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 'no sideways scrolling on a phone').toBeLessThanOrEqual(0)
})

test("compare: jwt-cookie's token never reaches a script, yet its thief takes it from the traffic, and a refresh rotates it", async ({ page }) => {
  await openView(page, '/')
  await page.getByTestId('add-pane').selectOption('jwt-cookie')
  const pane = page.getByTestId('pane-jwt-cookie')
  const steals: string[] = []
  page.on('response', async (response) => {
    if (response.url().includes('/attacker/steal')) steals.push(`${new URL(response.url()).pathname} ${await response.text()}`)
  })
  await click(pane, 'Log in')
  const login = await settled(requests(pane, 'login').first())
  expect(login.status).toBe(200)
  await expect(pane.getByTestId('stolen')).toContainText('The thief holds at (')
  await expect(pane.getByTestId('stolen')).toContainText('/api/jwt-cookie/attacker/steal')

  const at = (await page.context().cookies()).find((cookie) => cookie.name === 'at')
  expect(at?.httpOnly, 'the browser holds at, HttpOnly').toBe(true)
  expect(at?.path).toBe('/api/jwt-cookie')
  const secret = at?.value ?? ''
  expect(secret.length).toBeGreaterThan(20)
  expect(await page.evaluate(() => document.cookie), 'no script reads at').not.toContain(secret)
  expect(await page.content(), 'the page never holds at').not.toContain(secret)
  expect(await page.evaluate(() => sessionStorage.getItem('lab:tokens') ?? ''), 'nor does its storage').not.toContain(secret)
  expect(steals, 'the thief was asked where at travels, and answered with a receipt only').toHaveLength(1)
  expect(steals[0]).toMatch(/^\/api\/jwt-cookie\/attacker\/steal /)
  expect(steals[0]).not.toContain(secret)

  await click(pane, 'Refresh')
  const refresh = await settled(requests(pane, 'refresh').first())
  expect(refresh.status).toBe(200)
  const rotated = (await page.context().cookies()).find((cookie) => cookie.name === 'at')?.value
  expect(rotated, 'refresh sets a new at cookie').not.toBe(secret)
  await pane.getByTestId('times').fill('1')
  await click(pane, 'GET /me ×1')
  const me = await settled(requests(pane, '/me').first())
  expect([me.status, me.redis, me.pg], 'the refreshed cookie works, with no round trip').toEqual([200, 0, 0])
  await expect(page.locator('[data-testid=totals] tr[data-strategy="jwt-cookie"]').getByTestId('total-per-authenticated').locator('strong')).toHaveText('0')
})

test("compare: a stolen jwt-dpop token fails from the thief's side while the owner's page keeps working; the key survives a reload and cannot be exported", async ({ page }) => {
  await openView(page, '/')
  await page.getByTestId('add-pane').selectOption('jwt-dpop')
  const pane = page.getByTestId('pane-jwt-dpop')
  const proofs: string[] = []
  page.on('request', (request) => {
    if (request.url().includes('/api/jwt-dpop/')) proofs.push(request.headers().dpop ?? '')
  })
  await click(pane, 'Log in')
  expect((await settled(requests(pane, 'login').first())).status).toBe(200)
  await expect(pane.getByTestId('stolen')).toContainText('The thief holds')

  await click(pane, 'Replay stolen credential')
  const stolen = await settled(requests(pane, 'replay').first())
  expect({ status: stolen.status, code: stolen.code }, 'the thief has the token, not the key').toEqual({ status: 401, code: 'DPOP_KEY_MISMATCH' })
  await pane.getByTestId('times').fill('2')
  await click(pane, 'GET /me ×2')
  const me = requests(pane, '/me')
  await expect(me).toHaveCount(2)
  for (let i = 0; i < 2; i++) expect((await settled(me.nth(i))).status, "the owner's page keeps working").toBe(200)
  await click(pane, 'Refresh')
  expect((await settled(requests(pane, 'refresh').first())).status, 'a refresh proves the same key').toBe(200)
  expect(proofs.length, 'every request carried a proof').toBeGreaterThanOrEqual(5)
  expect(new Set(proofs).size, 'a fresh proof each time').toBe(proofs.length)
  expect(proofs.every((proof) => proof.split('.').length === 3)).toBe(true)

  // The key lives in IndexedDB as a CryptoKey: a reload keeps the login, and no script can export it.
  await page.reload()
  await expect(pane).toBeVisible()
  await pane.getByTestId('times').fill('1')
  await click(pane, 'GET /me ×1')
  expect((await settled(requests(pane, '/me').first())).status, 'after a reload, the same key still signs').toBe(200)
  const key = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('lab-dpop')
      open.onsuccess = () => resolve(open.result)
      open.onerror = () => reject(open.error)
    })
    const pair = await new Promise<CryptoKeyPair>((resolve, reject) => {
      const get = db.transaction('keys').objectStore('keys').get('browser')
      get.onsuccess = () => resolve(get.result as CryptoKeyPair)
      get.onerror = () => reject(get.error)
    })
    const exported = await crypto.subtle.exportKey('pkcs8', pair.privateKey).then(() => 'exported', (error: Error) => error.name)
    return { algorithm: pair.privateKey.algorithm.name, extractable: pair.privateKey.extractable, exported }
  })
  expect(key).toEqual({ algorithm: 'ECDSA', extractable: false, exported: 'InvalidAccessError' })
  observe({
    journey: 'Compare: a thief replays a stolen jwt-dpop token',
    strategy: 'jwt-dpop',
    seen: { "the thief's replay": `${stolen.status} ${stolen.code}`, "the owner's /me": '200, 200, and 200 after a reload', 'the private key': `${key.algorithm}, extractable ${key.extractable}, export: ${key.exported}` },
    screenshot: screenshotPath('compare-dpop').relative,
  })
  await page.screenshot({ path: screenshotPath('compare-dpop').path, fullPage: true })
})

test('compare: admin reaches /admin, and a refresh rotates the jwt', async ({ page }) => {
  await openView(page, '/')
  const pane = page.getByTestId('pane-jwt')
  await pane.getByTestId('user').selectOption('admin')
  await click(pane, 'Log in')
  await click(pane, 'GET /admin')
  expect((await settled(requests(pane, '/admin').first())).status).toBe(200)
  await click(pane, 'Refresh')
  const refresh = await settled(requests(pane, 'refresh').first())
  expect(refresh.status).toBe(200)
  expect(refresh.pg, 'refresh rotates the token in Postgres').toBeGreaterThan(0)
  await pane.getByTestId('times').fill('1')
  await click(pane, 'GET /me ×1')
  expect((await settled(requests(pane, '/me').first())).status, 'the refreshed token works').toBe(200)
})

/** What the running totals show for one strategy, per kind of request. */
async function totalsOf(page: Page, strategy: StrategyName) {
  const row = page.locator(`[data-testid=totals] tr[data-strategy="${strategy}"]`)
  const cell = async (kind: string) => ({
    perRequest: (await row.getByTestId(`total-per-${kind}`).locator('strong').textContent()) ?? '–',
    count: Number(await row.getByTestId(`total-per-${kind}`).getAttribute('data-count')),
  })
  return { authenticated: await cell('authenticated'), login: await cell('login'), logout: await cell('logout'), timing: (await row.getByTestId('total-timing').textContent()) ?? '' }
}

test('compare: totals per kind of request keep login and logout apart, so jwt pays 0 round trips per authenticated request and session 1; each request shows the server\'s time beside the browser\'s', async ({ page }) => {
  await openView(page, '/')
  await expect(page.getByTestId('records-status')).toHaveAttribute('data-state', 'live')
  for (const strategy of ['session', 'jwt'] as const) {
    const pane = page.getByTestId(`pane-${strategy}`)
    await click(pane, 'Log in')
    await pane.getByTestId('times').fill('4')
    await click(pane, 'GET /me ×4')
    await click(pane, 'Log out')
    for (const row of await pane.locator('[data-testid=request]').all()) await expect(row).toHaveAttribute('data-source', 'record')
  }
  const session = await totalsOf(page, 'session')
  const jwt = await totalsOf(page, 'jwt')
  // /me ×4 and the pane's check of who is logged in after the login (a check with no credential, after the logout, is no authenticated request)
  expect(jwt.authenticated).toEqual({ perRequest: '0', count: 5 })
  expect(session.authenticated).toEqual({ perRequest: '1', count: 5 })
  expect(Number(jwt.login.perRequest), 'a login pays the rate limiter and the user lookup').toBeGreaterThan(0)
  expect(jwt.logout).toEqual({ perRequest: '1', count: 1 })
  await expect(page.getByTestId('pane-jwt').getByTestId('pane-figure')).toContainText('0 round trips per authenticated request')
  await expect(page.getByTestId('pane-session').getByTestId('pane-figure')).toContainText('1 round trip per authenticated request')
  expect(session.timing, 'medians of the server\'s auth and total, and of the browser').toMatch(/^\d+\.\d+ \/ \d+\.\d+, \d+(\.\d+)?$/)

  // A request's timing, as devtools draws it: the browser's latency, the server's total, its auth and each round trip explained.
  const me = page.getByTestId('pane-session').locator('[data-testid=request][data-label="/me"]').first()
  const serverMs = Number(await me.getByTestId('server-ms').textContent())
  expect(serverMs).toBeGreaterThan(0)
  await expect(me.getByTestId('round-trip')).toHaveAttribute('title', /^session lookup/)
  await me.getByRole('button', { name: 'timing' }).click()
  const waterfall = me.getByTestId('waterfall')
  await expect(waterfall.getByRole('row', { name: /^browser/ })).toBeVisible()
  await expect(waterfall.getByRole('row', { name: /^server total/ })).toBeVisible()
  await expect(waterfall.getByTestId('waterfall-entry')).toHaveText([/^auth/, /^Redis GET session lookup/])
  const login = page.getByTestId('pane-session').locator('[data-testid=request][data-label="login"]')
  await expect(login.locator('[data-testid=round-trip]', { hasText: 'EVALSHA' })).toHaveAttribute('title', /^rate limiter/)
  const shot = screenshotPath('compare-totals')
  await page.screenshot({ path: shot.path, fullPage: true })
  await expectAccessible(page, 'compare with a request\'s timing open')
  for (const [strategy, shown] of [['session', session], ['jwt', jwt]] as const) {
    observe({
      journey: 'Compare: totals per kind of request (login, /me ×4, logout)',
      strategy,
      seen: {
        'round trips per authenticated request': `${shown.authenticated.perRequest} (n=${shown.authenticated.count})`,
        'per login': shown.login.perRequest,
        'per logout': shown.logout.perRequest,
        'authenticated: server auth / total, browser (ms, medians)': shown.timing,
      },
      screenshot: shot.relative,
    })
  }
})

test('compare: after a reload the panes, their timelines and what the thief holds come back, and each pane asks /me who is logged in', async ({ page }) => {
  await openView(page, '/')
  await page.getByTestId('add-pane').selectOption('session-cached')
  const session = page.getByTestId('pane-session')
  await session.getByTestId('user').selectOption('admin')
  await click(session, 'Log in')
  await expect(session.getByTestId('identity')).toHaveAttribute('data-user', 'admin')
  const jwt = page.getByTestId('pane-jwt')
  await click(jwt, 'Log in')
  await expect(jwt.getByTestId('identity')).toHaveAttribute('data-user', 'alice')
  const thief = (await jwt.getByTestId('stolen').textContent()) ?? ''
  const cached = page.getByTestId('pane-session-cached')
  await expect(cached.getByTestId('identity')).toHaveAttribute('data-state', 'out')
  const before = { session: await session.getByTestId('request').count(), jwt: await jwt.getByTestId('request').count() }
  await expect(page).toHaveURL(/\?panes=session%3Aadmin%2Cjwt%3Aalice%2Csession-cached%3Aalice$/)

  await page.reload()
  await expect(page.getByTestId('records-status')).toHaveAttribute('data-state', 'live')
  for (const strategy of ['session', 'jwt', 'session-cached']) await expect(page.getByTestId(`pane-${strategy}`)).toBeVisible()
  await expect(session.getByTestId('user')).toHaveValue('admin')
  await expect(jwt.getByTestId('stolen')).toHaveText(thief)
  // Not assumed: each pane asked /me again, and that question is on its timeline.
  await expect(session.getByTestId('identity')).toHaveAttribute('data-user', 'admin')
  await expect(jwt.getByTestId('identity')).toHaveAttribute('data-user', 'alice')
  await expect(cached.getByTestId('identity')).toHaveAttribute('data-state', 'out')
  await expect(session.getByTestId('request')).toHaveCount(before.session + 1)
  await expect(jwt.getByTestId('request')).toHaveCount(before.jwt + 1)
  await expect(jwt.locator('[data-testid=request][data-label="who? /me"]').first()).toHaveAttribute('data-status', '200')

  await click(jwt, 'Replay stolen credential')
  await expect(jwt.locator('[data-testid=request][data-label="replay"]').first()).toHaveAttribute('data-outcome', 'danger')
  await click(jwt, 'Log out')
  await expect(jwt.getByTestId('identity')).toHaveAttribute('data-state', 'out')
  await expectAccessible(page, 'compare after a reload')
})

test('compare: a link restores the setup (which panes, which user) in another browser, where nobody is logged in yet', async ({ page, browser }) => {
  await openView(page, '/?panes=session-pg:admin,jwt-cookie:alice')
  await expect(page.getByTestId('pane-session')).toHaveCount(0)
  await expect(page.getByTestId('pane-session-pg').getByTestId('user')).toHaveValue('admin')
  await expect(page.getByTestId('pane-jwt-cookie').getByTestId('user')).toHaveValue('alice')
  await page.getByTestId('add-pane').selectOption('jwt-denylist')
  const link = new URL((await page.getByTestId('setup-link').getAttribute('href')) ?? '', page.url()).href

  const other = await browser.newContext()
  try {
    const there = await other.newPage()
    await openView(there, link)
    for (const [strategy, user] of [['session-pg', 'admin'], ['jwt-cookie', 'alice'], ['jwt-denylist', 'alice']]) {
      const pane = there.getByTestId(`pane-${strategy}`)
      await expect(pane.getByTestId('user')).toHaveValue(user as string)
      await expect(pane.getByTestId('identity')).toHaveAttribute('data-state', 'out')
    }
    await expect(there.getByTestId('pane-session-pg').getByTestId('request')).toHaveCount(1)
    // A token strategy says why: its token lives in the tab that logged in; a cookie strategy has no such note.
    await expect(there.getByTestId('pane-jwt-denylist').getByTestId('token-per-tab')).toBeVisible()
    await expect(there.getByTestId('pane-session-pg').getByTestId('token-per-tab')).toHaveCount(0)
  } finally {
    await other.close()
  }
})

test('compare: a short-lived login (?ttl=10, demo) gives an access token that ends in 10 s', async ({ page }) => {
  await openView(page, '/')
  await page.getByTestId('short-ttl').check()
  const pane = page.getByTestId('pane-jwt')
  const login = page.waitForResponse((response) => response.url().includes('/api/jwt/login'))
  await click(pane, 'Log in')
  const response = await login
  expect(new URL(response.url()).search).toBe('?ttl=10')
  const body = (await response.json()) as { accessTokenExpiresAt: string }
  const lifetime = Date.parse(body.accessTokenExpiresAt) - Date.parse((await response.headerValue('date')) ?? '')
  expect(lifetime).toBeGreaterThan(8_000)
  expect(lifetime).toBeLessThanOrEqual(11_000)
  await expect(pane.getByTestId('stolen')).toContainText('which expires at')
})

test('reset the lab: every strategy logged out in this browser and checked, the timelines and tokens forgotten, and said so', async ({ page }) => {
  await openView(page, '/')
  for (const strategy of ['session', 'jwt'] as const) await click(page.getByTestId(`pane-${strategy}`), 'Log in')
  await page.getByTestId('add-pane').selectOption('jwt-cookie')
  await click(page.getByTestId('pane-jwt-cookie'), 'Log in')
  await expect(page.getByTestId('pane-jwt-cookie').getByTestId('identity')).toHaveAttribute('data-user', 'alice')
  expect(await page.evaluate(() => sessionStorage.getItem('lab:tokens'))).toContain('accessToken')

  await page.getByTestId('reset-lab').click()
  const report = page.getByTestId('reset-report')
  await expect(report).toBeVisible()
  for (const strategy of STRATEGIES) await expect(report.getByTestId(`reset-${strategy}`)).toHaveAttribute('data-logout', '204')
  // The cookie strategies' /me, and the token strategies' refresh, are refused afterwards.
  for (const strategy of STRATEGIES) await expect(report.getByTestId(`reset-${strategy}`)).toHaveAttribute('data-check-status', '401')
  await expect(report.getByTestId('reset-jwt')).toContainText('forgot its access token')
  expect(await page.evaluate(() => sessionStorage.getItem('lab:tokens'))).toBeNull()
  // Every pane is still there, empty but for its fresh question to /me, which nobody answers to.
  for (const strategy of ['session', 'jwt', 'jwt-cookie']) {
    const pane = page.getByTestId(`pane-${strategy}`)
    await expect(pane.getByTestId('identity')).toHaveAttribute('data-state', 'out')
    await expect(pane.getByTestId('request')).toHaveCount(1)
  }
  await page.screenshot({ path: screenshotPath('reset').path })
  await expectAccessible(page, 'the reset report')
})
