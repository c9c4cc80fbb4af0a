import { expect, openView, test } from '../lab-test.ts'
import type { Page } from '@playwright/test'
import { TOKEN_STRATEGIES } from '@lab/contracts'
import { startLab, type Lab } from '../origin/lab.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

/** The signature status shown once it is about the token on screen. */
const status = (page: Page) => page.getByTestId('signature-status')

for (const strategy of TOKEN_STRATEGIES) {
  test(`inspector: a ${strategy} token edited to role admin or alg none is rejected, with the signature's status and the server's reason`, async ({ page }) => {
    await openView(page, '/inspector')
    await page.getByTestId(`login-${strategy}`).click()
    await expect(page.getByTestId('payload-json')).toContainText('"role": "user"')
    await expect(page.getByTestId('claim-exp').getByTestId('claim-time')).toContainText(/in \d/)
    await expect(page.getByTestId('claim-iat').getByTestId('claim-time')).toContainText(/ago|now/)
    await expect(page.getByTestId('send-strategy')).toHaveValue(strategy)
    // The lab signs with EdDSA by default (pnpm demo): the server checks with its Ed25519 key, the browser with the JWKS.
    await expect(status(page)).toHaveAttribute('data-state', 'valid')
    await expect(status(page)).toContainText('Ed25519 key')
    await expect(status(page)).toHaveAttribute('data-browser', 'valid')
    await expect(page.getByTestId('browser-verdict')).toContainText('/.well-known/jwks.json')
    await page.getByTestId('send-target').selectOption('admin')
    const verdict = page.getByTestId('verdict')

    await page.getByTestId('send-original').click()
    await expect(verdict).toHaveAttribute('data-status', '403')
    await expect(verdict).toHaveAttribute('data-code', 'FORBIDDEN')

    await page.getByRole('button', { name: 'role → admin' }).click()
    await expect(page.getByTestId('payload-json')).toContainText('"role": "admin"')
    await expect(page.getByTestId('claim-role').getByTestId('claim-value')).toHaveText('admin')
    await expect(status(page)).toHaveAttribute('data-server-reason', 'BAD_SIGNATURE')
    await page.getByTestId('send-edited').click()
    await expect(verdict).toContainText('edited')
    await expect(verdict).toHaveAttribute('data-status', '401')
    await expect(verdict).toHaveAttribute('data-reason', 'BAD_SIGNATURE')
    const roleCode = `${await verdict.getAttribute('data-code')} ${await verdict.getAttribute('data-reason')}`

    // Dropping the signature: the token, the signature panel and its status all follow, never the old signature.
    const signatureBefore = await page.getByTestId('signature').innerText()
    await page.getByLabel('drop the signature').check()
    await expect(page.getByTestId('current-token')).toContainText('(no signature)')
    await expect(page.getByTestId('signature')).toHaveAttribute('data-empty', 'true')
    await expect(page.getByTestId('signature')).not.toContainText(signatureBefore)
    await expect(status(page)).toHaveAttribute('data-state', 'invalid')
    await expect(status(page)).toHaveAttribute('data-server-reason', 'MALFORMED')
    await page.getByRole('button', { name: 'alg → none' }).click()
    await expect(page.getByTestId('edits')).toContainText('header.alg: "EdDSA" → "none"')
    await page.getByTestId('send-edited').click()
    await expect(page.getByTestId('history-row')).toHaveCount(3)
    await expect(verdict).toHaveAttribute('data-status', '401')
    const noneCode = `${await verdict.getAttribute('data-code')} ${await verdict.getAttribute('data-reason')}`
    expect(noneCode).toBe('AUTH_INVALID MALFORMED')

    // An altered signature over the original header and payload: the server names it.
    await page.getByRole('button', { name: 'Undo edits' }).click()
    await expect(status(page)).toHaveAttribute('data-state', 'valid')
    await page.getByRole('button', { name: 'alter the signature' }).click()
    await expect(status(page)).toHaveAttribute('data-server-reason', 'BAD_SIGNATURE')
    await page.getByTestId('send-edited').click()
    await expect(verdict).toHaveAttribute('data-reason', 'BAD_SIGNATURE')

    // The history says what each token was, and what the server said of it, newest first.
    const rows = page.getByTestId('history-row')
    await expect(rows).toHaveCount(4)
    await expect(rows.nth(0)).toHaveAttribute('data-edits', 'signature altered')
    await expect(rows.nth(1)).toHaveAttribute('data-edits', 'header.alg: "EdDSA" → "none"; payload.role: "user" → "admin"; signature dropped')
    await expect(rows.nth(1)).toHaveAttribute('data-reason', 'MALFORMED')
    await expect(rows.nth(2)).toHaveAttribute('data-edits', 'payload.role: "user" → "admin"')
    await expect(rows.nth(2)).toHaveAttribute('data-reason', 'BAD_SIGNATURE')
    await expect(rows.nth(3)).toHaveAttribute('data-edits', '')
    await expect(rows.nth(3)).toHaveAttribute('data-code', 'FORBIDDEN')
    await expect(rows.nth(3)).toContainText(`unchanged, alice's ${strategy} login`)

    const shot = screenshotPath(`inspector-${strategy}`)
    await page.screenshot({ path: shot.path, fullPage: true })
    if (strategy === 'jwt') {
      // At a projector's 1280×720, at the signature and the verdict; and on a phone, without sideways scrolling.
      await page.setViewportSize({ width: 1280, height: 720 })
      await page.getByTestId('signature-status').scrollIntoViewIfNeeded()
      await page.screenshot({ path: screenshotPath('inspector-1280x720').path })
      await page.setViewportSize({ width: 390, height: 844 })
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 'no sideways scrolling on a phone').toBeLessThanOrEqual(0)
      await page.screenshot({ path: screenshotPath('inspector-390').path, fullPage: true })
    }
    observe({
      journey: 'Token inspector: alice’s token sent to /admin',
      strategy,
      seen: {
        original: '403 FORBIDDEN',
        'payload role → admin (old signature)': `401 ${roleCode}`,
        'alg → none, no signature': `401 ${noneCode}`,
        'signature altered': `401 ${await verdict.getAttribute('data-code')} ${await verdict.getAttribute('data-reason')}`,
      },
      screenshot: shot.relative,
    })
  })
}

test('inspector: markup in a claim is shown as text, never run: no element, no dialog, no CSP violation', async ({ page }) => {
  const dialogs: string[] = []
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  const markup = '<img src=x onerror=alert(1)>'
  await openView(page, '/inspector')
  await page.getByTestId('login-jwt').click()
  await expect(page.getByTestId('payload-json')).toContainText('"role": "user"')
  const payload = JSON.parse(await page.getByTestId('payload-json').inputValue()) as Record<string, unknown>
  await page.getByTestId('payload-json').fill(JSON.stringify({ ...payload, note: markup }, null, 2))
  await expect(page.getByTestId('claim-note').getByTestId('claim-value')).toHaveText(markup)
  await expect(page.getByTestId('edits')).toContainText(markup)
  await page.getByTestId('send-edited').click()
  await expect(page.getByTestId('history-row').first()).toContainText(markup)
  // Pasted whole, with the markup in the header too.
  const [, body, signature] = (await page.getByTestId('current-token').innerText()).split('.')
  const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: markup })).toString('base64url')
  await page.getByTestId('token-input').fill(`${header}.${body}.${signature}`)
  await expect(page.getByTestId('claim-typ').getByTestId('claim-value')).toHaveText(markup)
  await expect(page.getByTestId('claim-note').getByTestId('claim-value')).toHaveText(markup)
  await expect(page.locator('main img')).toHaveCount(0)
  expect(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length)).toBe(0)
  expect(dialogs, 'no script ran').toEqual([])
})

test('inspector: "open in inspector" from Compare and from the range carries the token in the fragment, which leaves the address bar', async ({ page }) => {
  await openView(page, '/')
  const pane = page.getByTestId('pane-jwt')
  await pane.getByRole('button', { name: 'Log in' }).click()
  const link = pane.getByTestId('open-in-inspector')
  const href = (await link.getAttribute('href')) ?? ''
  expect(href).toMatch(/^\/inspector#token=[\w-]+\.[\w-]+\.[\w-]+$/)
  const requests: string[] = []
  page.on('request', (request) => requests.push(request.url()))
  await link.click()
  await expect(page.getByTestId('current-token')).toHaveText(decodeURIComponent(href.split('#token=')[1] ?? ''))
  await expect(page.getByTestId('signature-status')).toHaveAttribute('data-state', 'valid')
  await expect(page).toHaveURL(/\/inspector$/)
  const token = decodeURIComponent(href.split('#token=')[1] ?? '')
  expect(requests.filter((url) => new URL(url).search.includes(token.slice(0, 20))), 'the token never went into a query string').toEqual([])

  await openView(page, '/range')
  const attack = page.getByTestId('attack-none')
  await attack.getByRole('button', { name: 'Try this one' }).click()
  await attack.getByTestId('open-in-inspector').click()
  await expect(page).toHaveURL(/\/inspector$/)
  await expect(page.getByTestId('claim-alg').getByTestId('claim-value')).toHaveText(/none/i)
  await expect(page.getByTestId('signature-status')).toHaveAttribute('data-state', 'invalid')
})

test.describe('inspector with an HS256 secret', () => {
  let lab: Lab
  test.beforeAll(async () => {
    test.setTimeout(120_000)
    lab = await startLab({ JWT_ALGORITHM: 'HS256' })
  })
  test.afterAll(async () => {
    await lab?.stop()
  })

  test('inspector: an HS256 token is checked by the server alone; the browser cannot, since its secret is never published', async ({ page }) => {
    await openView(page, `${lab.webUrl}/inspector`)
    await page.getByTestId('login-jwt').click()
    await expect(page.getByTestId('claim-alg').getByTestId('claim-value')).toHaveText('HS256')
    await expect(status(page)).toHaveAttribute('data-state', 'valid')
    await expect(status(page)).toContainText('HS256 secret')
    await expect(status(page)).toHaveAttribute('data-browser', '')
    await expect(page.getByTestId('browser-verdict')).toContainText('cannot check an HS256 signature')
    await page.getByRole('button', { name: 'role → admin' }).click()
    await expect(status(page)).toHaveAttribute('data-server-reason', 'BAD_SIGNATURE')
    await page.getByTestId('send-edited').click()
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-reason', 'BAD_SIGNATURE')
    const shot = screenshotPath('inspector-hs256')
    await page.screenshot({ path: shot.path, fullPage: true })
    observe({
      journey: 'Token inspector: alice’s token sent to /admin',
      strategy: 'jwt (HS256)',
      seen: { 'signature, in the browser': 'cannot be checked: no published key', 'payload role → admin (old signature)': `401 ${await page.getByTestId('verdict').getAttribute('data-code')} BAD_SIGNATURE` },
      screenshot: shot.relative,
    })
  })
})

test("inspector: jwt-cookie's token cannot be inspected, since no script can read it; the browser still sends it", async ({ page }) => {
  await openView(page, '/inspector')
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
