import { expect, openView, test } from '../lab-test.ts'
import { STRATEGIES } from '@lab/contracts'
import { expectAccessible } from '../accessibility.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

/** The view's short story: every login's short-lived credential (access token, cached copy) lives this long (`?ttl=`). */
const SHORT_TTL_SECONDS = 10
/** Replays go once a second: a window is measured to within that, plus a busy machine's slack. */
const SLACK_MS = 2500

/** Refused from the first replay after logout; jwt-dpop's thief holds the token but not the key, so before logout too. */
const IMMEDIATE = { session: 'AUTH_INVALID', 'session-pg': 'AUTH_INVALID', 'jwt-denylist': 'AUTH_REVOKED', 'jwt-dpop': 'DPOP_KEY_MISMATCH' } as const
/** Open after logout until the stolen credential's own exp: the cached copy goes stale (then Redis says no), the tokens expire. */
const WINDOWED = { 'session-cached': 'AUTH_INVALID', jwt: 'AUTH_EXPIRED', 'jwt-cookie': 'AUTH_EXPIRED' } as const

test('revocation, short story: session, session-pg, jwt-denylist and jwt-dpop refuse the replay at once; session-cached, jwt and jwt-cookie let it in until the stolen credential expires, each window measured', async ({ page }) => {
  await openView(page, '/revocation')
  await page.getByTestId('short-story').check()
  const started = Date.now()
  await page.getByTestId('run-revocation').click()
  const row = (strategy: string) => page.getByTestId(`revocation-${strategy}`)
  const window = async (strategy: string) => {
    const cell = row(strategy).getByTestId('window')
    const number = async (name: string) => {
      const value = await cell.getAttribute(name)
      return value === '' || value === null ? null : Number(value)
    }
    return { lastAcceptedMs: await number('data-last-accepted-ms'), refusedMs: await number('data-refused-ms'), boundMs: await number('data-bound-ms') }
  }

  for (const [strategy, code] of Object.entries(IMMEDIATE)) {
    await expect(row(strategy)).toHaveAttribute('data-verdict', 'rejected-immediately')
    await expect(row(strategy)).toHaveAttribute('data-code', code)
    expect((await window(strategy)).lastAcceptedMs, `${strategy}: no replay got in`).toBeNull()
  }
  for (const strategy of Object.keys(WINDOWED)) {
    await expect(row(strategy)).toHaveAttribute('data-verdict', 'accepted')
    await expect(row(strategy).getByTestId('countdown')).toBeVisible()
  }
  const during = screenshotPath('revocation-during')
  await page.screenshot({ path: during.path, fullPage: true })

  for (const [strategy, code] of Object.entries(WINDOWED)) {
    await expect(row(strategy)).toHaveAttribute('data-verdict', 'rejected-later', { timeout: (SHORT_TTL_SECONDS + 10) * 1000 })
    await expect(row(strategy)).toHaveAttribute('data-code', code)
    const { lastAcceptedMs, refusedMs, boundMs } = await window(strategy)
    expect(boundMs, `${strategy}: the stolen credential says when it ends`).not.toBeNull()
    expect(boundMs as number, `${strategy}: within the short story's ${SHORT_TTL_SECONDS} s`).toBeLessThanOrEqual(SHORT_TTL_SECONDS * 1000)
    expect(lastAcceptedMs as number, `${strategy}: a replay got in after logout`).toBeGreaterThan(0)
    expect(lastAcceptedMs as number, `${strategy}: never after its exp`).toBeLessThanOrEqual((boundMs as number) + 1000)
    expect(refusedMs as number, `${strategy}: refused once its exp passed`).toBeGreaterThanOrEqual((boundMs as number) - 1000)
    expect(refusedMs as number).toBeLessThanOrEqual((boundMs as number) + SLACK_MS)
  }
  expect(Date.now() - started, 'the short story fits in about 15 s').toBeLessThan((SHORT_TTL_SECONDS + 10) * 1000)
  const after = screenshotPath('revocation-after')
  await page.screenshot({ path: after.path, fullPage: true })
  await expectAccessible(page, 'revocation after the short story')
  // One meaning per colour: a thief let in at all is danger, even once refused later; a refusal from the first replay is safe.
  for (const strategy of Object.keys(IMMEDIATE)) await expect(row(strategy).getByTestId('verdict')).toHaveAttribute('data-outcome', 'safe')
  for (const strategy of Object.keys(WINDOWED)) {
    await expect(row(strategy).getByTestId('verdict')).toHaveAttribute('data-outcome', 'danger')
    await expect(row(strategy).getByTestId('replay').first().locator('[data-outcome]')).toHaveAttribute('data-outcome', 'danger')
  }

  for (const strategy of STRATEGIES) {
    const replays = await row(strategy).getByTestId('replay').allTextContents()
    const { lastAcceptedMs, refusedMs, boundMs } = await window(strategy)
    const s = (ms: number | null) => (ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`)
    observe({
      journey: `Revocation, short story (?ttl=${SHORT_TTL_SECONDS}): replay every second after logout`,
      strategy,
      seen: {
        'replays, in order': replays.join(' '),
        'last replay let in': s(lastAcceptedMs),
        'first refused': s(refusedMs),
        "stolen credential's exp": s(boundMs),
        verdict: (await row(strategy).getByTestId('verdict').textContent()) ?? '',
      },
      screenshot: after.relative,
    })
  }
})
