import { expect, openView, test } from '../lab-test.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

const KEY = 'lab-demo:access-token'

interface Exfiltrated {
  strategy: string
  credential: { kind: 'bearer'; token: string } | { kind: 'document.cookie'; value: string }
}

test.describe('where the token lives', () => {
  // The view injects an event handler and a javascript: link on purpose: the page's CSP must refuse exactly those two.
  test.use({ expectedCspViolations: ['/token-storage: script-src-attr refused inline', '/token-storage: script-src-elem refused inline'] })

  test('the XSS payload takes Web Storage and in-memory tokens away, and can only ride the HttpOnly cookie and the DPoP key', async ({ page, context, request }) => {
    const exfiltrated: Exfiltrated[] = []
    const sentByTheApp: string[] = []
    page.on('request', (sent) => {
      if (sent.url().endsWith('/attacker/replay')) exfiltrated.push(sent.postDataJSON() as Exfiltrated)
      const authorization = sent.headers().authorization
      if (sent.url().endsWith('/api/jwt/me') && authorization) sentByTheApp.push(authorization.replace(/^Bearer /, ''))
    })
    await openView(page, '/token-storage')
    await page.getByTestId('victim-login').click()
    await expect(page.getByTestId('run-payload')).toBeEnabled()

    // What the browser holds, read by the test itself.
    const stored = await page.evaluate((key) => ({ local: localStorage.getItem(key), session: sessionStorage.getItem(key) }), KEY)
    expect(stored.local).toMatch(/^eyJ/)
    expect(stored.session).toMatch(/^eyJ/)
    const at = (await context.cookies()).find((cookie) => cookie.name === 'at')
    expect(at?.httpOnly, 'jwt-cookie keeps its access token in an HttpOnly cookie').toBe(true)

    const row = (place: string) => page.getByTestId(`loot-${place}`)
    await page.getByTestId('run-payload').click()
    for (const place of ['localStorage', 'sessionStorage']) {
      await expect(row(place)).toHaveAttribute('data-verdict', 'stolen')
      await expect(row(place).getByTestId('replay')).toHaveAttribute('data-status', '200')
    }
    await expect(row('memory')).toHaveAttribute('data-verdict', 'waiting')
    await expect(row('cookie')).toHaveAttribute('data-verdict', 'ridden')
    await expect(row('cookie').getByTestId('replay')).toHaveAttribute('data-status', '401')
    await expect(row('cookie').getByTestId('ride')).toHaveAttribute('data-status', '200')
    // jwt-dpop: the token is read and sent away, but without its key it is refused; the key is used from the page, never exported.
    await expect(row('key')).toHaveAttribute('data-verdict', 'ridden')
    await expect(row('key').getByTestId('replay')).toHaveAttribute('data-status', '401')
    await expect(row('key').getByTestId('replay')).toContainText('DPOP_KEY_MISMATCH')
    await expect(row('key').getByTestId('ride')).toHaveAttribute('data-status', '200')
    await expect(row('key').getByTestId('read')).toContainText('extractable: false')
    await expect(row('key').getByTestId('read')).toContainText('refused (InvalidAccessError)')

    // The in-memory token leaves with the app's next request that carries it.
    await page.getByTestId('use-app').click()
    await expect(row('memory')).toHaveAttribute('data-verdict', 'stolen')
    await expect(row('memory').getByTestId('replay')).toHaveAttribute('data-status', '200')

    // What left the page: the three bearer tokens exactly, and never the at cookie.
    const bearers = exfiltrated.flatMap((each) => (each.credential.kind === 'bearer' ? [each.credential.token] : []))
    expect(bearers).toEqual(expect.arrayContaining([stored.local, stored.session, ...sentByTheApp]))
    expect(sentByTheApp).toHaveLength(1)
    expect(JSON.stringify(exfiltrated)).not.toContain(at?.value)
    // From elsewhere, with Playwright's own client (no cookie jar): a stolen token opens the door, the page's cookie jar is not there to take.
    for (const token of [stored.local, stored.session, sentByTheApp[0]]) {
      expect((await request.get('/api/jwt/me', { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200)
    }
    expect((await request.get('/api/jwt-cookie/me')).status()).toBe(401)
    const shot = screenshotPath('token-storage')
    await page.screenshot({ path: shot.path, fullPage: true })
    for (const place of ['localStorage', 'sessionStorage', 'memory', 'cookie', 'key']) {
      observe({
        journey: 'Where the token lives: a simulated XSS payload',
        strategy: place,
        seen: {
          'the payload read': (await row(place).getByTestId('read').textContent()) ?? '',
          'replayed from elsewhere': (await row(place).getByTestId('replay').getAttribute('data-status')) ?? '',
          'ridden from the page': (await row(place).getByTestId('ride').getAttribute('data-status')) || '–',
        },
        screenshot: shot.relative,
      })
    }

    // The CSP: injected markup never runs; a script the page's own code adds does ('strict-dynamic').
    await page.getByTestId('inject-handler').click()
    await page.getByTestId('inject-link').click()
    await page.getByTestId('inject-script').click()
    await expect(page.getByTestId('injected-handler')).toHaveAttribute('data-ran', 'false')
    await expect(page.getByTestId('injected-link')).toHaveAttribute('data-ran', 'false')
    await expect(page.getByTestId('injected-script')).toHaveAttribute('data-ran', 'true')
    await expect(page.getByTestId('violation')).toHaveCount(2)

    await page.setViewportSize({ width: 390, height: 844 })
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow, 'no sideways scrolling on a phone').toBeLessThanOrEqual(0)
    await page.screenshot({ path: screenshotPath('token-storage-phone').path, fullPage: true })
  })
})
