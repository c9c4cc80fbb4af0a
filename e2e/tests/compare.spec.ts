import type { Locator, Page } from '@playwright/test'
import { expect, openView, test } from '../lab-test.ts'
import { STRATEGIES, type StrategyName } from '@lab/contracts'
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
  await expect(page.locator('[data-testid=totals] tr[data-strategy="jwt-cookie"]').getByTestId('total-per-authenticated')).toHaveText('0.00')
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
