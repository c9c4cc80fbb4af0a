import { expect, test } from '../lab-test.ts'
import { TOKEN_STRATEGIES } from '@lab/contracts'
import { observe, screenshotPath } from '../reporting/observations.ts'

for (const strategy of TOKEN_STRATEGIES) {
  test(`inspector: a ${strategy} token edited to role admin or alg none is rejected`, async ({ page }) => {
    await page.goto('/inspector')
    await page.getByTestId(`login-${strategy}`).click()
    await expect(page.getByTestId('payload-json')).toContainText('"role": "user"')
    await expect(page.getByTestId('claim-exp')).toContainText('in ')
    await expect(page.getByTestId('send-strategy')).toHaveValue(strategy)
    await page.getByTestId('send-target').selectOption('admin')
    const verdict = page.getByTestId('verdict')

    await page.getByTestId('send-original').click()
    await expect(verdict).toHaveAttribute('data-status', '403')
    await expect(verdict).toHaveAttribute('data-code', 'FORBIDDEN')

    await page.getByRole('button', { name: 'role → admin' }).click()
    await expect(page.getByTestId('payload-json')).toContainText('"role": "admin"')
    await page.getByTestId('send-edited').click()
    await expect(verdict).toContainText('edited')
    await expect(verdict).toHaveAttribute('data-status', '401')
    const roleCode = await verdict.getAttribute('data-code')
    expect(roleCode).toBe('AUTH_INVALID')

    await page.getByRole('button', { name: 'alg → none' }).click()
    await page.getByLabel('drop the signature').check()
    await expect(page.getByTestId('edited-token')).toHaveText(/\.$/)
    await page.getByTestId('send-edited').click()
    await expect(page.getByTestId('request')).toHaveCount(3)
    await expect(verdict).toHaveAttribute('data-status', '401')
    const noneCode = await verdict.getAttribute('data-code')
    expect(noneCode).toBe('AUTH_INVALID')

    const shot = screenshotPath(`inspector-${strategy}`)
    await page.screenshot({ path: shot.path, fullPage: true })
    observe({
      journey: 'Token inspector: alice’s token sent to /admin',
      strategy,
      seen: { original: '403 FORBIDDEN', 'payload role → admin (old signature)': `401 ${roleCode}`, 'alg → none, no signature': `401 ${noneCode}` },
      screenshot: shot.relative,
    })
  })
}

test("inspector: jwt-cookie's token cannot be inspected, since no script can read it; the browser still sends it", async ({ page }) => {
  await page.goto('/inspector')
  await page.getByTestId('login-jwt-cookie').click()
  const seen = page.getByTestId('jwt-cookie-seen')
  await expect(seen).toHaveAttribute('data-me', '200')
  const fields = ((await seen.getAttribute('data-fields')) ?? '').split(' ')
  expect(fields, 'the login body').toContain('accessTokenExpiresAt')
  expect(fields, 'the login body carries no token').not.toContain('accessToken')
  const scriptCookies = ((await seen.getAttribute('data-script-cookies')) ?? '').split(' ')
  expect(scriptCookies, 'document.cookie shows no at').not.toContain('at')
  expect((await page.context().cookies()).some((cookie) => cookie.name === 'at' && cookie.httpOnly), 'yet the browser holds it').toBe(true)
  const shot = screenshotPath('inspector-jwt-cookie')
  await page.screenshot({ path: shot.path, fullPage: true })
  observe({
    journey: 'Token inspector: alice’s token sent to /admin',
    strategy: 'jwt-cookie',
    seen: { original: `the login body: ${fields.join(', ')}; cookies a script reads: ${scriptCookies.join(', ') || 'none'}; /me ${await seen.getAttribute('data-me')}` },
    screenshot: shot.relative,
  })
})
