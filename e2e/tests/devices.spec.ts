import type { Page } from '@playwright/test'
import { expect, openPage, openView, test } from '../lab-test.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

const ALICE = { username: 'alice', password: 'alice-password' }

/** Picks a strategy, logs this browser in, and logs in a device of the web server's with a short-lived credential. */
async function twoLogins(page: Page, strategy: string, device: string, ttl: number) {
  await page.getByTestId('devices-strategy').selectOption(strategy)
  await page.getByTestId('login-here').click()
  await expect(page.locator('[data-testid=login][data-current=true]')).toHaveCount(1)
  await page.getByTestId('device-label').fill(device)
  await page.getByTestId('device-ttl').fill(String(ttl))
  await page.getByTestId('login-device').click()
  await expect(page.locator(`[data-testid=login][data-device="${device}"]`)).toHaveCount(1)
  await expect(page.locator(`[data-testid=login][data-device="${device}"]`)).toContainText(device)
}

/**
 * What the page and the thief's routes exchange. A device's cookies stay in the thief's pocket on the
 * web server: the page is handed receipts (names, sizes), never a cookie value, and sends them back.
 */
function thiefTraffic(page: Page): () => Promise<Array<{ path: string; sent: unknown; received: unknown }>> {
  const exchanged: Array<Promise<{ path: string; sent: unknown; received: unknown }>> = []
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname
    if (path.startsWith('/attacker/')) exchanged.push((async () => ({ path, sent: response.request().postDataJSON() as unknown, received: (await response.json()) as unknown }))())
  })
  return () => Promise.all(exchanged)
}

/** A receipt, as the thief hands one to the page: `expiresAt` is the exp of a JWT-shaped cookie among them, null for opaque ones. */
const receipt = (names: string[], expiresAt: unknown = null) => ({
  kind: 'cookies',
  id: expect.any(String),
  cookies: names.map((name) => ({ name, length: expect.any(Number) })),
  expiresAt,
})

test('devices: end one login; the thief measures what its credential still does, per strategy', async ({ page }) => {
  const traffic = thiefTraffic(page)
  await openView(page, '/devices')
  const device = (name: string) => page.getByTestId(`device-${name}`)
  const end = (name: string) => page.locator(`[data-testid=login][data-device="${name}"]`).getByTestId('end-login').click()

  // A session is gone with its server state: refused at once.
  await twoLogins(page, 'session', 'phone', 5)
  await end('phone')
  await expect(device('phone')).toHaveAttribute('data-verdict', 'refused-at-once')
  await expect(device('phone')).toHaveAttribute('data-code', 'AUTH_INVALID')
  await expect(page.locator('[data-testid=login][data-device=phone]')).toHaveCount(0)
  await expect(page.locator('[data-testid=login][data-current=true]'), 'this browser stays logged in').toHaveCount(1)

  // jwt: its refresh stops at once, its access token works until exp (8 s here).
  await twoLogins(page, 'jwt', 'phone', 8)
  await end('phone')
  await expect(device('phone').getByTestId('device-refresh')).toContainText('401')
  await expect(device('phone')).toHaveAttribute('data-verdict', 'refused-later', { timeout: 15_000 })
  await expect(device('phone')).toHaveAttribute('data-code', 'AUTH_EXPIRED')
  const jwtShot = screenshotPath('devices-jwt')
  await page.screenshot({ path: jwtShot.path, fullPage: true })
  observe({
    journey: 'Devices: end the phone’s login, the thief replays its credential every second',
    strategy: 'jwt',
    seen: { 'after the end': (await device('phone').getByTestId('device-verdict').textContent()) ?? '' },
    screenshot: jwtShot.relative,
  })

  // jwt-denylist: denylisted at once.
  await twoLogins(page, 'jwt-denylist', 'phone', 5)
  await end('phone')
  await expect(device('phone')).toHaveAttribute('data-verdict', 'refused-at-once')
  await expect(device('phone')).toHaveAttribute('data-code', 'AUTH_REVOKED')

  // session-cached: the fresh copy works until it goes stale (8 s here), then the store says no.
  await twoLogins(page, 'session-cached', 'phone', 8)
  await end('phone')
  await expect(device('phone')).toHaveAttribute('data-verdict', 'refused-later', { timeout: 15_000 })
  await expect(device('phone')).toHaveAttribute('data-code', 'AUTH_INVALID')
  observe({
    journey: 'Devices: end the phone’s login, the thief replays its credential every second',
    strategy: 'session-cached',
    seen: { 'after the end': (await device('phone').getByTestId('device-verdict').textContent()) ?? '' },
  })

  // jwt-dpop: the thief holds the phone's token and cookies, never its key: refused at once.
  await twoLogins(page, 'jwt-dpop', 'phone', 5)
  await end('phone')
  await expect(device('phone')).toHaveAttribute('data-verdict', 'refused-at-once')
  await expect(device('phone')).toHaveAttribute('data-code', 'DPOP_KEY_MISMATCH')

  // What the devices' logins handed the page: a bearer token where the strategy has one, otherwise receipts.
  const exchanged = await traffic()
  const logins = exchanged.filter((each) => each.path === '/attacker/login').map((each) => each.received as { login: { strategy: string }; credential: unknown; refresh: unknown })
  expect(logins.map((each) => each.login.strategy)).toEqual(['session', 'jwt', 'jwt-denylist', 'session-cached', 'jwt-dpop'])
  for (const { login, credential, refresh } of logins) {
    if (login.strategy.startsWith('jwt')) {
      expect(credential, login.strategy).toEqual({ kind: 'bearer', token: expect.any(String), expiresAt: expect.any(String) })
      expect(refresh, login.strategy).toEqual(receipt(['rt']))
    } else {
      expect(refresh, login.strategy).toBeNull()
    }
  }
  expect(logins[0]?.credential, 'session: its sid').toEqual(receipt(['sid']))
  expect(logins[3]?.credential, 'session-cached: both its cookies, stale at the copy’s exp').toEqual(receipt(['sid_cached', 'session_cache'], expect.any(String)))
  const replayed = exchanged
    .filter((each) => each.path === '/attacker/replay')
    .map((each) => (each.sent as { credential: { kind: string; cookies?: Array<{ name: string }>; expiresAt: string | null } }).credential)
  expect(replayed.length).toBeGreaterThan(4)
  for (const credential of replayed) {
    if (credential.kind === 'bearer') expect(credential).toEqual({ kind: 'bearer', token: expect.any(String), expiresAt: expect.any(String) })
    else expect(credential, 'a replay of cookies sends their receipt').toEqual(receipt(credential.cookies?.map(({ name }) => name) ?? [], credential.expiresAt === null ? null : expect.any(String)))
  }
})

test('devices: log out everywhere, and the admin ends every login of alice', async ({ page }) => {
  await openView(page, '/devices')
  const device = (name: string) => page.getByTestId(`device-${name}`)

  // jwt-cookie: log out everywhere clears this browser's cookies; the phone's access token lives until exp.
  await twoLogins(page, 'jwt-cookie', 'tablet', 8)
  await page.getByTestId('logout-all').click()
  await expect(page.getByTestId('here-after')).toHaveAttribute('data-code', 'AUTH_MISSING')
  await expect(device('tablet')).toHaveAttribute('data-verdict', 'refused-later', { timeout: 15_000 })
  await expect(device('tablet')).toHaveAttribute('data-code', 'AUTH_EXPIRED')
  await expect(page.getByTestId('list-problem')).toBeVisible()

  // The admin, under jwt, ends alice's jwt-denylist logins too: every login under every strategy.
  await twoLogins(page, 'jwt-denylist', 'phone', 30)
  await page.getByTestId('admin-end-all').click()
  await expect(device('phone')).toHaveAttribute('data-verdict', 'refused-at-once')
  await expect(device('phone')).toHaveAttribute('data-code', 'AUTH_REVOKED')
  await expect(page.getByTestId('here-after')).toHaveAttribute('data-code', 'AUTH_REVOKED')
  const shot = screenshotPath('devices-admin')
  await page.screenshot({ path: shot.path, fullPage: true })

  // session-cached, after the admin deleted this browser's session: its fresh copy still gets it in,
  // but that login is no recent authentication, so "log out everywhere" asks for the password again.
  await page.getByTestId('devices-strategy').selectOption('session-cached')
  await page.getByTestId('login-here').click()
  await expect(page.locator('[data-testid=login][data-current=true]')).toHaveCount(1)
  await page.getByTestId('admin-end-all').click()
  await expect(page.getByTestId('here-after')).toHaveAttribute('data-status', '200')
  await page.getByTestId('logout-all').click()
  const asked = page.locator('[data-testid=request][data-label="this browser: log out everywhere"]')
  await expect(asked).toHaveAttribute('data-code', 'REAUTHENTICATION_REQUIRED')
  await expect(page.locator('[data-testid=request][data-label="this browser: log out everywhere, with alice\'s password again"]')).toHaveAttribute('data-status', '204')

  await page.setViewportSize({ width: 390, height: 844 })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, 'no sideways scrolling on a phone').toBeLessThanOrEqual(0)
  await page.screenshot({ path: screenshotPath('devices-phone').path, fullPage: true })
})

test('devices: a real second browser appears in the list by its User-Agent, and ending it logs it out', async ({ page, browser }) => {
  const phone = await browser.newContext({ userAgent: 'Lab phone (a second Playwright browser)' })
  const phonePage = await phone.newPage()
  await openPage(phonePage, '/devices')
  const phoneMe = () => phonePage.evaluate(async () => (await fetch('/api/session/me')).status)
  const phoneLogin = await phonePage.evaluate(
    async (alice) => (await fetch('/api/session/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alice) })).status,
    ALICE,
  )
  expect(phoneLogin).toBe(200)
  expect(await phoneMe()).toBe(200)

  await openView(page, '/devices')
  await page.getByTestId('devices-strategy').selectOption('session')
  await page.getByTestId('login-here').click()
  await expect(page.locator('[data-testid=login][data-current=true]')).toHaveCount(1)
  const row = page.locator('[data-testid=login]', { hasText: 'Lab phone (a second Playwright browser)' })
  if ((await page.getByTestId('show-all').count()) > 0) await page.getByTestId('show-all').click()
  await expect(row).toHaveCount(1)
  await row.getByTestId('end-login').click()
  await expect(row).toHaveCount(0)
  expect(await phoneMe(), 'the ended browser is logged out at once').toBe(401)
  await phone.close()
})
