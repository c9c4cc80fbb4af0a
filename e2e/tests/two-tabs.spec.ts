import type { Page, Response } from '@playwright/test'
import { expect, openPage, openView, test } from '../lab-test.ts'
import { expectAccessible } from '../accessibility.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

const ALICE = { username: 'alice', password: 'alice-password' }

/** A refresh as a tab sends it, its answer, the refresh token it carried and the one its answer set. */
interface TabRefresh {
  status: number
  code: string | null
  sent: string | null
  set: string | null
}

const rtOf = (cookies: string | undefined) => /(?:^|;\s*)rt=([^;]*)/.exec(cookies ?? '')?.[1] ?? null

/** Each tab sends its refresh at the same wall-clock instant (one machine, one clock), in its own page. */
async function refreshAt(tab: Page, at: number, strict: boolean): Promise<TabRefresh> {
  const [response, answer] = await Promise.all([
    tab.waitForResponse((candidate: Response) => candidate.url().includes('/api/jwt/refresh')),
    tab.evaluate(
      async ({ at, strict }) => {
        await new Promise((resolve) => setTimeout(resolve, at - Date.now()))
        const reply = await fetch(`/api/jwt/refresh${strict ? '?grace=0' : ''}`, { method: 'POST' })
        return { status: reply.status, code: ((await reply.json()) as { code?: string }).code ?? null }
      },
      { at, strict },
    ),
  ])
  const setCookies = (await response.headersArray()).filter((header) => header.name.toLowerCase() === 'set-cookie').map((header) => header.value)
  return { ...answer, sent: rtOf((await response.request().allHeaders()).cookie), set: rtOf(setCookies[0]) }
}

const refreshLater = (tab: Page) => tab.evaluate(async () => (await fetch('/api/jwt/refresh', { method: 'POST' })).status)

test('two real tabs of one browser refresh at the same moment: strict revokes the login in both, the grace hands both the same successor', async ({ page, context }) => {
  const tabA = page
  const tabB = await context.newPage()
  await openPage(tabA, '/two-tabs')
  await openPage(tabB, '/two-tabs')

  for (const strict of [true, false]) {
    const login = await tabA.evaluate(
      async (alice) => (await fetch('/api/jwt/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alice) })).status,
      ALICE,
    )
    expect(login).toBe(200)
    const at = Date.now() + 500
    const [a, b] = await Promise.all([refreshAt(tabA, at, strict), refreshAt(tabB, at, strict)])
    // The race really happened: both tabs sent the one refresh token of the shared cookie jar.
    expect(a.sent, 'tab A sent a refresh token').not.toBeNull()
    expect(b.sent, 'both tabs sent the same refresh token').toBe(a.sent)

    if (strict) {
      expect([a.status, b.status].toSorted()).toEqual([200, 401])
      expect([a.code, b.code]).toContain('AUTH_REVOKED')
      // The winner's successor belongs to the revoked login: neither tab can refresh again.
      expect(await refreshLater(tabA)).toBe(401)
      expect(await refreshLater(tabB)).toBe(401)
    } else {
      expect([a.status, b.status]).toEqual([200, 200])
      expect(a.set, 'a successor was set').not.toBeNull()
      expect(b.set, 'the tab that lost the race got the same successor').toBe(a.set)
      expect(await refreshLater(tabA)).toBe(200)
      expect(await refreshLater(tabB)).toBe(200)
    }
    observe({
      journey: 'Two real tabs refresh one jwt login at the same moment',
      strategy: strict ? 'jwt, ?grace=0' : 'jwt, REFRESH_REUSE_GRACE',
      seen: { 'tab A': `${a.status} ${a.code ?? ''}`.trim(), 'tab B': `${b.status} ${b.code ?? ''}`.trim(), 'same successor': String(a.set !== null && a.set === b.set) },
    })
  }
})

test('two-tabs view: strict logs both panes out, the grace keeps both in, a reuse after the grace revokes the login', async ({ page }) => {
  // Everything the page and the thief's routes exchange, to show the thief's copy of the refresh token never reaches the page.
  const exchanged: Array<Promise<{ path: string; sent: string; received: string; setCookies: string[] }>> = []
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname
    if (!path.startsWith('/attacker/')) return
    exchanged.push(
      (async () => ({
        path,
        sent: response.request().postData() ?? '',
        received: await response.text(),
        setCookies: (await response.headersArray()).filter((header) => header.name.toLowerCase() === 'set-cookie').map((header) => header.value),
      }))(),
    )
  })
  await openView(page, '/two-tabs')
  const verdict = page.getByTestId('two-tabs-verdict')
  const tab = (name: 'A' | 'B') => page.getByTestId(`tab-${name}`)
  const raceRows = () => page.locator('[data-testid=request][data-label$="at once"]')

  await page.getByTestId('race-strict').click()
  await expect(verdict).toHaveAttribute('data-result', 'expected')
  await expect(tab('A')).toHaveAttribute('data-in', 'false')
  await expect(tab('B')).toHaveAttribute('data-in', 'false')
  const strictStatuses = await raceRows().evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-status')} ${row.getAttribute('data-code')}`.trim()))
  expect(strictStatuses.toSorted()).toEqual(['200', '401 AUTH_REVOKED'])
  await expect(page.getByTestId('logged-out-note')).toBeVisible()
  await expect(verdict, 'logged out of both tabs by a race: the owner turned away').toHaveAttribute('data-outcome', 'lost')
  const strictShot = screenshotPath('two-tabs-strict')
  await page.screenshot({ path: strictShot.path, fullPage: true })

  await page.getByTestId('race-grace').click()
  await expect(verdict).toHaveAttribute('data-result', 'expected')
  await expect(tab('A')).toHaveAttribute('data-in', 'true')
  await expect(tab('B')).toHaveAttribute('data-in', 'true')
  await expect(page.getByTestId('families')).toHaveAttribute('data-same', 'true')
  const graceStatuses = await raceRows().evaluateAll((rows) => rows.map((row) => row.getAttribute('data-status')))
  expect(graceStatuses).toEqual(['200', '200'])

  // The thief presents the copied token 12 s after its rotation: past REFRESH_REUSE_GRACE (10 s here).
  await expect(page.getByTestId('reuse-delay')).toHaveValue('12')
  await page.getByTestId('race-reuse').click()
  await expect(verdict).toHaveAttribute('data-result', 'expected', { timeout: 30_000 })
  const thief = page.getByTestId('thief').getByTestId('request').last()
  await expect(thief).toHaveAttribute('data-status', '401')
  await expect(thief).toHaveAttribute('data-code', 'AUTH_REVOKED')
  await expect(tab('A')).toHaveAttribute('data-in', 'false')
  await expect(tab('B')).toHaveAttribute('data-in', 'false')
  // The login's Set-Cookie gave this browser its refresh token, which the thief copied and kept on the web server:
  // the page knew it by its receipt alone, and sent the receipt, not the token, for the replay.
  const attacker = await Promise.all(exchanged)
  const login = attacker.find((each) => each.path === '/attacker/login')
  const copied = rtOf(login?.setCookies.find((line) => line.startsWith('rt=')))
  expect(copied, 'the shared login set rt in this browser').toBeTruthy()
  for (const each of attacker) {
    expect(each.received, `${each.path} answers no refresh token`).not.toContain(copied)
    expect(each.sent, `${each.path} is sent no refresh token`).not.toContain(copied)
  }
  const replayed = attacker.find((each) => each.path === '/attacker/replay')
  expect((JSON.parse(replayed?.sent ?? '{}') as { credential?: unknown }).credential).toEqual({
    kind: 'cookies',
    id: expect.any(String),
    cookies: [{ name: 'rt', length: copied?.length }],
    expiresAt: null,
  })
  // A real reuse revoked: the refusal protects; the strict race's logout turned the owner away.
  await expect(verdict).toHaveAttribute('data-outcome', 'safe')
  const reuseShot = screenshotPath('two-tabs-reuse')
  await page.screenshot({ path: reuseShot.path, fullPage: true })
  await expectAccessible(page, 'two tabs after the three scenarios')
  observe({
    journey: 'Two-tabs view (jwt)',
    strategy: 'jwt',
    seen: { strict: strictStatuses.join(' / '), grace: graceStatuses.join(' / '), 'reuse after 12 s': '401 AUTH_REVOKED' },
    screenshot: reuseShot.relative,
  })

  await page.setViewportSize({ width: 390, height: 844 })
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, 'no sideways scrolling on a phone').toBeLessThanOrEqual(0)
  await page.screenshot({ path: screenshotPath('two-tabs-phone').path, fullPage: true })
})
