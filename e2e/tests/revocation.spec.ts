import { expect, test } from '../lab-test.ts'
import { STRATEGIES } from '@lab/contracts'
import { ACCESS_TOKEN_TTL } from '../playwright.config.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

test('revocation: one click; session, session-pg and jwt-denylist refuse the replay at once, jwt only at exp', async ({ page }) => {
  await page.goto('/revocation')
  await page.getByTestId('run-revocation').click()
  const row = (strategy: string) => page.getByTestId(`revocation-${strategy}`)

  for (const strategy of ['session', 'session-pg', 'jwt-denylist']) {
    await expect(row(strategy)).toHaveAttribute('data-verdict', 'rejected-immediately')
  }
  await expect(row('session')).toHaveAttribute('data-code', 'AUTH_INVALID')
  await expect(row('session-pg')).toHaveAttribute('data-code', 'AUTH_INVALID')
  await expect(row('jwt-denylist')).toHaveAttribute('data-code', 'AUTH_REVOKED')

  await expect(row('jwt')).toHaveAttribute('data-verdict', 'accepted')
  await expect(row('jwt').getByTestId('countdown')).toBeVisible()
  const during = screenshotPath('revocation-during')
  await page.screenshot({ path: during.path, fullPage: true })

  await expect(row('jwt')).toHaveAttribute('data-verdict', 'rejected-later', { timeout: (ACCESS_TOKEN_TTL + 5) * 1000 })
  await expect(row('jwt')).toHaveAttribute('data-code', 'AUTH_EXPIRED')
  const accepted = await row('jwt').locator('[data-testid=replay].status-ok').count()
  expect(accepted, 'the jwt replay was accepted after logout before it expired').toBeGreaterThan(0)
  const after = screenshotPath('revocation-after')
  await page.screenshot({ path: after.path, fullPage: true })

  for (const strategy of STRATEGIES) {
    const replays = await row(strategy).getByTestId('replay').allTextContents()
    observe({
      journey: `Revocation: replay every second after logout (access-token TTL ${ACCESS_TOKEN_TTL} s)`,
      strategy,
      seen: {
        'replays, in order': replays.join(' '),
        verdict: (await row(strategy).getByTestId('verdict').textContent()) ?? '',
      },
      screenshot: after.relative,
    })
  }
})
