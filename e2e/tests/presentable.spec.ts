import { expect, test } from '../lab-test.ts'
import { screenshotPath } from '../reporting/observations.ts'

const VIEWS = [
  { path: '/', name: 'compare', heading: 'Same requests, different strategies' },
  { path: '/revocation', name: 'revocation', heading: 'What does “log out” revoke?' },
  { path: '/inspector', name: 'inspector', heading: 'Token inspector' },
  { path: '/outage', name: 'outage', heading: 'When Redis stops answering' },
] as const

for (const view of VIEWS) {
  test(`${view.name}: readable in presenter mode and on a phone, without sideways scrolling`, async ({ page }) => {
    await page.goto(view.path)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(view.heading)
    const presenter = page.getByRole('button', { name: 'Presenter mode' })
    await presenter.press('Enter')
    await expect(presenter).toHaveAttribute('aria-pressed', 'true')
    await expect(page.locator('html')).toHaveAttribute('data-presenter', '')
    await page.screenshot({ path: screenshotPath(`${view.name}-presenter`).path, fullPage: true })
    await presenter.click()

    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(view.path)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow, 'no sideways scrolling on a phone').toBeLessThanOrEqual(0)
    await page.screenshot({ path: screenshotPath(`${view.name}-phone`).path, fullPage: true })
  })
}

test('an unknown page says so', async ({ page }) => {
  const response = await page.goto('/no-such-view')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not in this lab')
})
