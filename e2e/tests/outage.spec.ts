import { expect, openView, test } from '../lab-test.ts'
import { STRATEGIES } from '@lab/contracts'
import { expectAccessible } from '../accessibility.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

/** The view's own default, no longer than the header's health poll (3 s): the header reads the stores again as the pause starts and ends. */
const PAUSE_SECONDS = 3

test('outage: with Redis paused, jwt, jwt-cookie and session-pg keep answering, session-cached answers from its fresh copies, session, jwt-denylist and jwt-dpop fail fast with 503, all recover; the header says so live', async ({ page }) => {
  await openView(page, '/outage')
  const health = page.getByTestId('store-health')
  await expect(health).toContainText('Redis up')
  await page.getByTestId('start-probing').click()
  const row = (strategy: string) => page.getByTestId(`outage-${strategy}`)
  for (const strategy of STRATEGIES) await expect(row(strategy).locator('.ticks li[data-outcome=neutral]').nth(1)).toBeAttached()

  await page.getByTestId('pause-seconds').fill(String(PAUSE_SECONDS))
  await page.getByTestId('pause-redis').click()
  await expect(page.getByTestId('pause-state')).toHaveAttribute('data-paused', 'true')
  await expect(row('session')).not.toHaveAttribute('data-during-503', '0')
  // While the pause lasts (the health check's Redis ping gives up after 0.8 s), not at the next poll.
  await expect(health).toContainText('Redis down', { timeout: 2000 })
  const during = screenshotPath('outage-during')
  await page.screenshot({ path: during.path, fullPage: true })
  await expect(page.getByTestId('pause-state')).toHaveAttribute('data-paused', 'false', { timeout: (PAUSE_SECONDS + 5) * 1000 })
  for (const strategy of STRATEGIES) await expect(row(strategy)).not.toHaveAttribute('data-after-ok', '0')
  await expect(health).toContainText('Redis up', { timeout: 5000 })

  const seen = async (strategy: string) => ({
    duringOk: Number(await row(strategy).getAttribute('data-during-ok')),
    duringOkStoreless: Number(await row(strategy).getAttribute('data-during-ok-storeless')),
    during503: Number(await row(strategy).getAttribute('data-during-503')),
    slowest503: Number(await row(strategy).getAttribute('data-slowest-503')),
    afterOk: Number(await row(strategy).getAttribute('data-after-ok')),
  })
  for (const strategy of ['session', 'jwt-denylist', 'jwt-dpop']) {
    const shown = await seen(strategy)
    expect(shown.during503, `${strategy} failed during the pause`).toBeGreaterThan(0)
    expect(shown.slowest503, `${strategy} failed fast`).toBeLessThan(2000)
  }
  for (const strategy of ['jwt', 'jwt-cookie', 'session-pg']) {
    const shown = await seen(strategy)
    expect(shown.during503, `${strategy} needs no Redis`).toBe(0)
    expect(shown.duringOk).toBeGreaterThan(0)
  }
  // Its copy was issued at the login just before the pause, fresh for SESSION_CACHE_TTL: Redis is never asked.
  const cached = await seen('session-cached')
  expect(cached.duringOk, 'session-cached answers from its fresh copy while Redis is paused').toBeGreaterThan(0)
  expect(cached.duringOkStoreless, 'each of those answers touched no store').toBe(cached.duringOk)
  const after = screenshotPath('outage-after')
  await page.screenshot({ path: after.path, fullPage: true })
  await expectAccessible(page, 'outage after a Redis pause')
  for (const strategy of STRATEGIES) {
    const shown = await seen(strategy)
    observe({
      journey: `Outage: Redis paused for ${PAUSE_SECONDS} s (CLIENT PAUSE), /me probed twice a second`,
      strategy,
      seen: {
        '200 during the pause': shown.duringOk,
        '… of them without a store round trip': shown.duringOkStoreless,
        '503 during the pause': shown.during503,
        'slowest 503 (ms)': shown.during503 ? shown.slowest503 : '–',
        '200 after the pause': shown.afterOk,
      },
      screenshot: after.relative,
    })
  }
})
