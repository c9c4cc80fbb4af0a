import type { Locator } from '@playwright/test'
import { expect, openView, test } from '../lab-test.ts'
import { RANGE_ATTACKS, RANGE_WARNING } from '@lab/contracts'
import { expectAccessible } from '../accessibility.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

/** What one side of an attack showed: the request row's status and code, and the verdict under it. */
async function shown(side: Locator) {
  const request = side.getByTestId('request')
  return {
    status: Number(await request.getAttribute('data-status')),
    code: (await request.getAttribute('data-code')) ?? '',
    verdict: (await side.getByTestId('verdict').textContent()) ?? '',
  }
}

test('range: every forged admin token gets into its deliberately vulnerable target and is refused by the real API', async ({ page }) => {
  await openView(page, '/range')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('The attack range')
  await expect(page.getByRole('note')).toHaveText(RANGE_WARNING)
  const shot = screenshotPath('range')

  for (const attack of RANGE_ATTACKS) {
    await test.step(attack, async () => {
      const section = page.getByTestId(`attack-${attack}`)
      await section.getByRole('button', { name: 'Try this one' }).click()
      const range = section.getByTestId(`range-${attack}`)
      const real = section.getByTestId(`real-${attack}`)
      await expect(range.getByRole('heading', { name: 'Deliberately vulnerable range' })).toBeVisible()
      await expect(real.getByRole('heading', { name: 'The real API' })).toBeVisible()

      await expect(range.getByTestId('request')).toHaveAttribute('data-label', `range /${attack}/admin`)
      await expect(range.getByTestId('request')).toHaveAttribute('data-status', '200')
      await expect(range.getByTestId('verdict')).toHaveText('Got in as admin: the forged token was accepted')
      await expect(range.getByTestId('verdict'), "the attacker's success is danger").toHaveAttribute('data-outcome', 'danger')
      await expect(real.getByTestId('verdict'), 'the refusal protects').toHaveAttribute('data-outcome', 'safe')
      await expect(real.getByTestId('request')).toHaveAttribute('data-status', '401')
      await expect(real.getByTestId('request')).toHaveAttribute('data-code', 'AUTH_INVALID')
      await expect(real.getByTestId('verdict')).toHaveText(/^Refused: 401 AUTH_INVALID/)

      const onRange = await shown(range)
      const onReal = await shown(real)
      observe({
        journey: 'Attack range: an admin token forged in the browser, sent to the vulnerable range and to the real /api/jwt/admin',
        strategy: attack,
        seen: {
          'forged header': (await section.locator('p', { hasText: 'forged header' }).getByRole('code').textContent()) ?? '',
          'range target': `${onRange.status} ${onRange.verdict}`,
          'real API': `${onReal.status} ${onReal.code}`,
        },
        screenshot: shot.relative,
      })
    })
  }
  await page.screenshot({ path: shot.path, fullPage: true })
  await expectAccessible(page, 'the range after every attack')
})

test('range: one click forges all four and tries each on both', async ({ page }) => {
  await openView(page, '/range')
  const run = page.getByTestId('run-attacks')
  await run.click()
  for (const attack of RANGE_ATTACKS) {
    await expect(page.getByTestId(`range-${attack}`)).toHaveAttribute('data-status', '200')
    await expect(page.getByTestId(`real-${attack}`)).toHaveAttribute('data-status', '401')
  }
  await expect(run).toBeEnabled()
})
