import type { Page } from '@playwright/test'
import { expect, openPage, openView, test } from '../lab-test.ts'
import { expectAccessible } from '../accessibility.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

/** The step titles, in order, as the page lists them under "All steps". */
async function stepTitles(page: Page): Promise<string[]> {
  const titles = await page.getByRole('navigation', { name: 'All steps' }).getByRole('button').allTextContents()
  expect(titles.length, 'the workshop has steps to walk through').toBeGreaterThan(1)
  return titles
}

/** Step `n` (1-based) is the one on screen: counter, heading, its entry under "All steps", and the URL. */
async function expectStep(page: Page, titles: string[], n: number) {
  const presenter = page.getByTestId('presenter')
  await expect(presenter).toHaveAttribute('data-step', String(n))
  await expect(presenter.getByText(`Step ${n} of ${titles.length}`, { exact: true })).toBeVisible()
  await expect(presenter.getByRole('heading', { level: 2 })).toHaveText(titles[n - 1] ?? '')
  const current = page.getByRole('navigation', { name: 'All steps' }).getByRole('button', { name: titles[n - 1], exact: true })
  await expect(current).toHaveAttribute('aria-current', 'step')
  await expect(page.getByRole('button', { name: '← Previous' })).toBeEnabled({ enabled: n > 1 })
  await expect(page.getByRole('button', { name: 'Next →' })).toBeEnabled({ enabled: n < titles.length })
}

test('workshop: Next walks through every step, the arrow keys walk back and forth', async ({ page }) => {
  await openPage(page, '/workshop')
  const titles = await stepTitles(page)
  await expectStep(page, titles, 1)

  for (let n = 2; n <= titles.length; n++) {
    await page.getByRole('button', { name: 'Next →' }).click()
    await expectStep(page, titles, n)
    await expect(page).toHaveURL(new RegExp(`#step-${n}$`))
  }
  for (let n = titles.length - 1; n >= 1; n--) {
    await page.keyboard.press('ArrowLeft')
    await expectStep(page, titles, n)
    await expect(page).toHaveURL(new RegExp(`#step-${n}$`))
  }
  await page.keyboard.press('ArrowLeft')
  await expectStep(page, titles, 1)
  for (let n = 2; n <= titles.length; n++) {
    await page.keyboard.press('ArrowRight')
    await expectStep(page, titles, n)
  }
  await page.keyboard.press('ArrowRight')
  await expectStep(page, titles, titles.length)
})

test('workshop: a #step-N link opens step N, and a step named under "All steps" opens on click', async ({ page }) => {
  await openPage(page, '/workshop')
  const titles = await stepTitles(page)
  for (let n = 1; n <= titles.length; n++) {
    // A fresh load: a hash change alone is a same-document navigation, and the page reads the hash when it loads.
    await page.goto('about:blank')
    await openPage(page, `/workshop#step-${n}`)
    await expectStep(page, titles, n)
  }
  await page.goto('about:blank')
  await openPage(page, `/workshop#step-${titles.length + 1}`)
  await expectStep(page, titles, 1)

  await page.getByRole('navigation', { name: 'All steps' }).getByRole('button', { name: titles[2], exact: true }).click()
  await expectStep(page, titles, 3)
  await expect(page).toHaveURL(/#step-3$/)
})

/** Steps whose action sends requests, with the round trips the contract gives their /me. */
const TIMELINE_STEPS = [
  { step: 1, strategy: 'session', me: 'session /me', redis: 1, pg: 0 },
  { step: 2, strategy: 'jwt', me: 'jwt /me', redis: 0, pg: 0 },
] as const

test('workshop: a step that sends requests shows them on its live timeline, each with its store round trips', async ({ page }) => {
  await openView(page, `/workshop#step-${TIMELINE_STEPS[0].step}`)
  const titles = await stepTitles(page)

  for (const expected of TIMELINE_STEPS) {
    await test.step(`step ${expected.step}: ${expected.strategy}`, async () => {
      await expectStep(page, titles, expected.step)
      const action = page.getByTestId('step-action')
      await action.click()
      await expect(action).toBeEnabled()
      const timeline = page.getByRole('list', { name: 'requests of this step' })
      const rows = timeline.getByTestId('request')
      await expect(rows).toHaveCount(2)
      await expect(rows.nth(0)).toHaveAttribute('data-label', `${expected.strategy} login`)
      await expect(rows.nth(0)).toHaveAttribute('data-status', '200')

      const me = timeline.locator(`[data-testid=request][data-label="${expected.me}"]`)
      await expect(me).toHaveAttribute('data-status', '200')
      await expect(me, 'the live record of /me arrived').toHaveAttribute('data-source', 'record')
      await expect(me).toHaveAttribute('data-redis', String(expected.redis))
      await expect(me).toHaveAttribute('data-pg', String(expected.pg))
      await expect(me.locator('[data-testid=round-trip][data-store=redis]')).toHaveCount(expected.redis)
      await expect(me.locator('[data-testid=round-trip][data-store=pg]')).toHaveCount(expected.pg)
      const line = page.getByTestId('step-line')
      await expect(line).toHaveText(`/me made ${expected.redis + expected.pg} store round trip(s).`)

      const shot = screenshotPath(`workshop-step-${expected.step}`)
      await page.screenshot({ path: shot.path, fullPage: true })
      const labels = await rows.evaluateAll((list) => list.map((row) => `${row.getAttribute('data-label')} ${row.getAttribute('data-status')}`))
      observe({
        journey: 'Workshop: a step run from the presenter, on its live timeline',
        strategy: expected.strategy,
        seen: {
          step: `${expected.step}. ${titles[expected.step - 1]}`,
          timeline: labels.join(', '),
          'Redis round trips of /me': (await me.getAttribute('data-redis')) ?? '',
          'Postgres round trips of /me': (await me.getAttribute('data-pg')) ?? '',
          'the step says': (await line.textContent()) ?? '',
        },
        screenshot: shot.relative,
      })
      await page.getByRole('button', { name: 'Next →' }).click()
    })
  }
})

test('workshop: the alg:none step shows the range letting the token in and the real API refusing it', async ({ page }) => {
  await openPage(page, '/workshop')
  const titles = await stepTitles(page)
  const step = titles.indexOf('The verifier decides, not the token') + 1
  expect(step, 'the workshop has the alg:none step').toBeGreaterThan(0)
  await page.getByRole('navigation', { name: 'All steps' }).getByRole('button', { name: titles[step - 1], exact: true }).click()
  await expectStep(page, titles, step)
  await page.getByTestId('step-action').click()
  const timeline = page.getByRole('list', { name: 'requests of this step' })
  await expect(timeline.locator('[data-testid=request][data-label="range /none/admin"]')).toHaveAttribute('data-status', '200')
  const real = timeline.locator('[data-testid=request][data-label="real /jwt/admin"]')
  await expect(real).toHaveAttribute('data-status', '401')
  await expect(real).toHaveAttribute('data-code', 'AUTH_INVALID')
  await expect(page.getByTestId('step-line')).toHaveText('Range: 200 as admin. Real API: 401 AUTH_INVALID.')
  await expect(timeline.locator('[data-testid=request][data-label="range /none/admin"]'), "the forged token got in: the attacker's success").toHaveAttribute('data-outcome', 'danger')
  await expect(real).toHaveAttribute('data-outcome', 'safe')
  await page.screenshot({ path: screenshotPath('workshop-alg-none').path, fullPage: true })
  await expectAccessible(page, 'the workshop after the alg:none step')
})

test('workshop: the session-cached step shows no round trip, and the stolen cookies still let the thief in after logout', async ({ page }) => {
  await openView(page, '/workshop')
  const titles = await stepTitles(page)
  const step = titles.indexOf('A cached session spares the store, and pays for it at logout') + 1
  expect(step, 'the workshop has the session-cached step').toBeGreaterThan(0)
  await page.getByRole('navigation', { name: 'All steps' }).getByRole('button', { name: titles[step - 1], exact: true }).click()
  await expectStep(page, titles, step)
  await page.getByTestId('step-action').click()
  const timeline = page.getByRole('list', { name: 'requests of this step' })
  const me = timeline.locator('[data-testid=request][data-label="session-cached /me"]')
  await expect(me).toHaveAttribute('data-source', 'record')
  await expect(me).toHaveAttribute('data-redis', '0')
  await expect(timeline.locator('[data-testid=request][data-label="stolen cookies, after logout"]')).toHaveAttribute('data-status', '200')
  await expect(page.getByTestId('step-line')).toContainText(/\/me made 0 store round trip\(s\)\. The stolen cookies, after logout, got 200; the copy is fresh for another \d+ s\./)
  await page.screenshot({ path: screenshotPath('workshop-session-cached').path, fullPage: true })
})
