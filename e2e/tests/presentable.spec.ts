import type { Locator, Page } from '@playwright/test'
import { expect, openPage, openView, test } from '../lab-test.ts'
import { expectAccessible } from '../accessibility.ts'
import { REPLICAS_URL } from '../playwright.config.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

const PROJECTOR = { width: 1280, height: 720 }
const PHONE = { width: 390, height: 844 }
/** On a phone the header is one or two short lines, not the 29 % of the screen it once was. */
const PHONE_HEADER_SHARE = 0.12

interface View {
  name: string
  path: string
  /** the lab to open it in, when not the default one */
  baseURL?: string
  /** does what the view is for, and returns its live result: what must be on screen */
  act(page: Page): Promise<Locator[]>
  /** a run that takes most of a minute, twice */
  slow?: boolean
}

const VIEWS: View[] = [
  {
    name: 'compare',
    path: '/',
    async act(page) {
      const pane = page.getByTestId('pane-session')
      await pane.getByRole('button', { name: 'Log in' }).click()
      await expect(pane.getByTestId('identity')).toHaveAttribute('data-user', 'alice')
      await pane.getByTestId('times').fill('2')
      await pane.getByRole('button', { name: 'GET /me ×2' }).click()
      await expect(pane.locator('[data-testid=request][data-label="/me"]')).toHaveCount(2)
      return [pane.getByTestId('pane-figure'), pane.getByTestId('request').first(), page.getByTestId('pane-jwt').getByTestId('identity')]
    },
  },
  {
    name: 'revocation',
    path: '/revocation',
    async act(page) {
      await page.getByTestId('short-story').check()
      await page.getByTestId('run-revocation').click()
      for (const strategy of ['session', 'session-pg', 'jwt-denylist', 'jwt-dpop']) await expect(page.getByTestId(`revocation-${strategy}`)).toHaveAttribute('data-verdict', 'rejected-immediately')
      for (const strategy of ['session-cached', 'jwt', 'jwt-cookie']) await expect(page.getByTestId(`revocation-${strategy}`)).toHaveAttribute('data-verdict', 'accepted')
      return [page.getByTestId('revocation-result')]
    },
  },
  {
    name: 'inspector',
    path: '/inspector',
    async act(page) {
      await page.getByTestId('login-jwt').click()
      await expect(page.getByTestId('payload-json')).toContainText('"role": "user"')
      await page.getByRole('button', { name: 'role → admin' }).click()
      await page.getByTestId('send-edited').click()
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-status', '401')
      // The server's check of the edited token's signature: the result once it has answered (it replaces "checking").
      await expect(page.getByTestId('signature-status')).toHaveAttribute('data-state', 'invalid')
      return [page.getByTestId('signature-status'), page.getByTestId('verdict')]
    },
  },
  {
    name: 'verdict',
    path: '/verdict',
    slow: true,
    async act(page) {
      // The page streams in behind a loading state (it asks the API for its replicas): one button once it has.
      await expect(page.getByTestId('run-verdict')).toHaveCount(1)
      await page.getByTestId('run-verdict').click()
      await expect(page.getByTestId('verdict-table')).toHaveAttribute('data-finished', 'true', { timeout: 90_000 })
      return [page.getByTestId('verdict-table')]
    },
  },
  {
    name: 'outage',
    path: '/outage',
    async act(page) {
      await page.getByTestId('start-probing').click()
      for (const strategy of ['session', 'jwt']) await expect(page.getByTestId(`outage-${strategy}`).locator('.ticks li[data-outcome=neutral]').nth(1)).toBeAttached()
      return [page.getByTestId('outage-result')]
    },
  },
  {
    name: 'replicas-one-process',
    path: '/replicas',
    async act(page) {
      return [page.getByTestId('no-replicas').getByTestId('command')]
    },
  },
  {
    name: 'replicas',
    path: '/replicas',
    baseURL: REPLICAS_URL,
    async act(page) {
      await page.getByTestId('run-hops').click()
      await expect(page.getByTestId('hop-session-memory')).toHaveAttribute('data-verdict', 'lost')
      return [page.getByTestId('replicas-result')]
    },
  },
  {
    name: 'range',
    path: '/range',
    async act(page) {
      await page.getByTestId('run-attacks').click()
      await expect(page.getByTestId('run-attacks')).toBeEnabled()
      await expect(page.getByTestId('range-result').locator('[data-outcome=danger]')).toHaveCount(4)
      return [page.getByTestId('range-result')]
    },
  },
  {
    name: 'token-storage',
    path: '/token-storage',
    async act(page) {
      await page.getByTestId('victim-login').click()
      await page.getByTestId('run-payload').click()
      await expect(page.getByTestId('loot-localStorage')).toHaveAttribute('data-verdict', 'stolen')
      await expect(page.getByTestId('loot-cookie')).toHaveAttribute('data-verdict', 'ridden')
      return [page.getByTestId('loot-result'), page.getByTestId('loot-summary')]
    },
  },
  {
    name: 'two-tabs',
    path: '/two-tabs',
    async act(page) {
      await page.getByTestId('race-grace').click()
      await expect(page.getByTestId('two-tabs-verdict')).toHaveAttribute('data-result', 'expected')
      return [page.getByTestId('two-tabs-verdict'), page.getByTestId('tab-A').getByTestId('tab-state'), page.getByTestId('tab-B').getByTestId('tab-state')]
    },
  },
  {
    name: 'devices',
    path: '/devices',
    async act(page) {
      await page.getByTestId('devices-strategy').selectOption('session')
      await page.getByTestId('login-here').click()
      await expect(page.locator('[data-testid=login][data-current=true]')).toHaveCount(1)
      await page.getByTestId('device-label').fill('phone')
      await page.getByTestId('login-device').click()
      const phone = page.locator('[data-testid=login][data-device=phone]')
      await expect(phone).toHaveCount(1)
      await phone.getByTestId('end-login').click()
      await expect(page.getByTestId('device-phone')).toHaveAttribute('data-verdict', 'refused-at-once')
      return [page.getByTestId('devices-result')]
    },
  },
  {
    name: 'services',
    path: '/services',
    async act(page) {
      await page.getByTestId('services-run').click()
      await expect(page.getByTestId('services-jwt-cookie').getByTestId('orders-answer')).toHaveAttribute('data-status', '401')
      return [page.getByTestId('services-session').getByTestId('hop-api'), page.getByTestId('services-jwt').getByTestId('orders-answer')]
    },
  },
  {
    name: 'workshop',
    path: '/workshop#step-1',
    async act(page) {
      await page.getByTestId('step-action').click()
      await expect(page.getByTestId('step-line')).toHaveText(/store round trip/)
      return [page.getByTestId('step-line'), page.getByTestId('step-timeline').getByTestId('request').last()]
    },
  },
  {
    name: 'bench',
    path: '/bench',
    async act(page) {
      return [page.getByRole('button', { name: 'Start' }), page.getByTestId('bench-report-committed').getByRole('heading', { level: 2 })]
    },
  },
]

/** Where a result is: wholly inside the viewport, or the test says where it is instead. */
async function expectOnScreen(page: Page, result: Locator, what: string) {
  await expect(result).toBeVisible()
  const box = await result.boundingBox()
  const { width, height } = page.viewportSize() ?? PROJECTOR
  expect(box, `${what}: has a box`).not.toBeNull()
  const { x, y, width: w, height: h } = box as NonNullable<typeof box>
  expect({ top: y >= 0, left: x >= 0, bottom: y + h <= height, right: x + w <= width }, `${what} at x ${Math.round(x)}, y ${Math.round(y)}, ${Math.round(w)}×${Math.round(h)}, inside ${width}×${height}`).toEqual({
    top: true,
    left: true,
    bottom: true,
    right: true,
  })
  return Math.round(y + h)
}

const headerHeight = (page: Page) => page.locator('.site-header').evaluate((header) => Math.round(header.getBoundingClientRect().height))

for (const view of VIEWS) {
  test(`${view.name}: at 1280×720 in presenter mode its lesson and live result fit one screen; at 390 px nothing is off-screen`, async ({ page }) => {
    if (view.slow) test.setTimeout(240_000)
    const url = new URL(view.path, view.baseURL ?? test.info().project.use.baseURL).href
    await page.setViewportSize(PROJECTOR)
    await openView(page, url)
    const presenter = page.getByRole('button', { name: 'Presenter mode' })
    await presenter.press('Enter')
    await expect(presenter).toHaveAttribute('aria-pressed', 'true')
    await expect(page.locator('html')).toHaveAttribute('data-presenter', '')

    const results = await view.act(page)
    // Clicking may have scrolled the page: the room sees it from the top.
    await page.evaluate(() => window.scrollTo(0, 0))
    await expectOnScreen(page, page.getByRole('heading', { level: 1 }), `${view.name}: the title`)
    let lowest = 0
    for (const [index, result] of results.entries()) lowest = Math.max(lowest, await expectOnScreen(page, result, `${view.name}: result ${index + 1}`))
    const projectorHeader = await headerHeight(page)
    const projector = screenshotPath(`presenter-${view.name}`)
    await page.screenshot({ path: projector.path })
    await expectAccessible(page, `${view.name} in presenter mode`)
    observe({
      journey: 'Presenter mode at 1280×720: each view with its live result, without scrolling',
      rowHeading: 'view',
      strategy: view.name,
      seen: { 'header height': `${projectorHeader} px`, 'lowest result ends at': `${lowest} of 720 px` },
      screenshot: projector.relative,
    })

    await presenter.click()
    await expect(page.locator('html')).not.toHaveAttribute('data-presenter', '')
    await page.setViewportSize(PHONE)
    // The same interactions afresh: what this tab kept (Compare's timelines) would add to them.
    await page.evaluate(() => sessionStorage.clear())
    await openView(page, url)
    await view.act(page)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow, 'no sideways scrolling on a phone').toBeLessThanOrEqual(0)
    const phoneHeader = await headerHeight(page)
    expect(phoneHeader / PHONE.height, `the header's share of a phone's screen (${phoneHeader} px)`).toBeLessThanOrEqual(PHONE_HEADER_SHARE)
    const phone = screenshotPath(`phone-${view.name}`)
    await page.screenshot({ path: phone.path, fullPage: true })
    await expectAccessible(page, `${view.name} on a phone`)
    observe({
      journey: 'A phone, 390×844: each view after the same interactions',
      rowHeading: 'view',
      strategy: view.name,
      seen: { 'header height': `${phoneHeader} px (${Math.round((phoneHeader / PHONE.height) * 100)} %)`, 'sideways overflow': `${overflow} px` },
      screenshot: phone.relative,
    })
  })
}

test('the menu of views opens from one button on a phone, closes with Escape, and leads to the view', async ({ page }) => {
  await page.setViewportSize(PHONE)
  await openView(page, '/')
  const menu = page.getByRole('button', { name: /^Compare/ })
  const links = page.getByRole('navigation', { name: 'Lab views' }).getByRole('link', { name: 'Revocation' })
  await expect(links).toBeHidden()
  await menu.click()
  await expect(menu).toHaveAttribute('aria-expanded', 'true')
  await expect(links).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(links).toBeHidden()
  await menu.click()
  await links.click()
  await expect(page).toHaveURL(/\/revocation$/)
  await expect(page.getByRole('button', { name: /^Revocation/ })).toHaveAttribute('aria-expanded', 'false')
})

test('the favicon is there', async ({ request }) => {
  const response = await request.get('/favicon.ico')
  expect(response.status()).toBe(200)
  expect(response.headers()['content-type']).toBe('image/x-icon')
})

test('an unknown page says so', async ({ page }) => {
  const response = await openPage(page, '/no-such-view')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not in this lab')
})
