import type { Page } from '@playwright/test'
import { expect, openView, test } from '../lab-test.ts'
import { STRATEGIES, type StrategyName } from '@lab/contracts'
import { downloadExports, importFresh } from '../exports.ts'
import { REPLICAS_URL } from '../playwright.config.ts'
import { observe, screenshotPath } from '../reporting/observations.ts'

const ASPECTS = ['trips', 'auth', 'credential', 'theft', 'logout', 'redis', 'postgres', 'replica'] as const

/** What the lab claims of each strategy (README, CONTRACT): the run must find the same, or this fails. */
const EXPECTED: Record<StrategyName, { trips: string; credential: RegExp; theft: string; logout: RegExp; redis: RegExp }> = {
  session: { trips: '1 Redis', credential: /^HttpOnly cookies$/, theft: 'acts as alice from elsewhere', logout: /^at once$/, redis: /^fails fast: 503, then recovers$/ },
  'session-pg': { trips: '1 Postgres', credential: /^HttpOnly cookies$/, theft: 'acts as alice from elsewhere', logout: /^at once$/, redis: /^keeps answering$/ },
  'session-cached': { trips: '0', credential: /^HttpOnly cookies$/, theft: 'acts as alice from elsewhere', logout: /^after \d+\.\d s–\d+\.\d s$/, redis: /^keeps answering$/ },
  jwt: { trips: '0', credential: /^in the page’s script$/, theft: 'acts as alice from elsewhere', logout: /^after \d+\.\d s–\d+\.\d s$/, redis: /^keeps answering$/ },
  'jwt-denylist': { trips: '1 Redis', credential: /^in the page’s script$/, theft: 'acts as alice from elsewhere', logout: /^at once$/, redis: /^fails fast: 503, then recovers$/ },
  'jwt-cookie': { trips: '0', credential: /^HttpOnly cookies$/, theft: 'acts as alice from elsewhere', logout: /^after \d+\.\d s–\d+\.\d s$/, redis: /^keeps answering$/ },
  'jwt-dpop': { trips: '1 Redis', credential: /^in the page’s script, bound to its key$/, theft: 'refused (401 DPOP_KEY_MISMATCH)', logout: /^at once$/, redis: /^fails fast: 503, then recovers$/ },
}

const cell = (page: Page, aspect: string, strategy: string) => page.getByTestId(`cell-${aspect}-${strategy}`)
const text = async (page: Page, aspect: string, strategy: string) => (await cell(page, aspect, strategy).locator('.verdict-cell-text').innerText()).trim()

/** Every cell's state, tone and words: what an import must show again. */
const view = (page: Page) =>
  page.locator('[data-testid^="cell-"]').evaluateAll((cells) =>
    cells.map((node) => [node.getAttribute('data-testid'), node.getAttribute('data-state'), node.getAttribute('data-tone'), (node as HTMLElement).innerText].join(' | ')),
  )

async function runVerdict(page: Page) {
  await openView(page, '/verdict')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('The verdict, measured')
  await page.getByTestId('run-verdict').click()
  await expect(page.getByTestId('verdict-table')).toHaveAttribute('data-finished', 'true', { timeout: 90_000 })
  for (const strategy of STRATEGIES) {
    const expected = EXPECTED[strategy]
    expect(await text(page, 'trips', strategy), `${strategy}: round trips`).toBe(expected.trips)
    expect(await text(page, 'auth', strategy), `${strategy}: auth time`).toMatch(/^\d+\.\d+ ms$/)
    expect(await text(page, 'credential', strategy), `${strategy}: credential`).toMatch(expected.credential)
    expect(await text(page, 'theft', strategy), `${strategy}: theft`).toBe(expected.theft)
    expect(await text(page, 'logout', strategy), `${strategy}: logout`).toMatch(expected.logout)
    expect(await text(page, 'redis', strategy), `${strategy}: Redis pause`).toMatch(expected.redis)
    for (const aspect of ['trips', 'auth', 'credential', 'theft', 'logout', 'redis']) {
      await expect(cell(page, aspect, strategy), `${aspect} of ${strategy} measured in this run`).toHaveAttribute('data-state', 'measured')
    }
    await expect(cell(page, 'postgres', strategy)).toHaveAttribute('data-state', 'inferred')
    await expect(cell(page, 'postgres', strategy)).toHaveAttribute('title', /^Not measured: this page cannot stop Postgres/)
  }
}

test.describe('on two API replicas', () => {
  test.use({ baseURL: REPLICAS_URL })

  test('verdict: every cell of every strategy is filled from this run, the second replica included', async ({ page }) => {
    test.setTimeout(120_000)
    await runVerdict(page)
    for (const strategy of STRATEGIES) {
      await expect(cell(page, 'replica', strategy)).toHaveAttribute('data-state', 'measured')
      expect(await text(page, 'replica', strategy)).toBe('still alice on api-2')
    }
    await expect(page.locator('[data-testid^="cell-"][data-state="pending"], [data-testid^="cell-"][data-state="failed"], [data-testid^="cell-"][data-state="idle"]')).toHaveCount(0)
    await page.getByTestId('show-figures').check()
    const shot = screenshotPath('verdict-replicas')
    await page.screenshot({ path: shot.path, fullPage: true })
    for (const strategy of STRATEGIES) {
      const seen: Record<string, string> = {}
      for (const aspect of ASPECTS) seen[aspect] = await text(page, aspect, strategy)
      seen['in one line'] = await page.getByTestId(`summary-${strategy}`).innerText()
      observe({ journey: 'Verdict: one run of every scenario, on two API replicas', strategy, seen, screenshot: shot.relative })
    }
  })
})

test('verdict on one API process: the replica row says it was not measured and how to start replicas; the run exports and imports back the same', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000)
  await runVerdict(page)
  const replica = page.getByTestId('cell-replica-all')
  await expect(replica).toHaveAttribute('data-state', 'not measured')
  await expect(replica).toHaveAttribute('colspan', String(STRATEGIES.length))
  await expect(replica).toHaveAttribute('title', /pnpm demo --replicas 2/)

  // At a projector's 1280×720 and on a phone.
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.getByTestId('verdict-table').scrollIntoViewIfNeeded()
  await page.screenshot({ path: screenshotPath('verdict-1280x720').path })
  await page.setViewportSize({ width: 390, height: 844 })
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), 'no sideways scrolling on a phone').toBeLessThanOrEqual(0)
  await page.screenshot({ path: screenshotPath('verdict-390').path, fullPage: true })
  await page.setViewportSize({ width: 1280, height: 720 })

  const before = await view(page)
  const { jsonPath, markdown } = await downloadExports(page, 'verdict')
  expect(markdown).toMatch(/^# Verdict/)
  expect(markdown).toContain(`| Round trips per authenticated request | ${STRATEGIES.map((strategy) => EXPECTED[strategy].trips).join(' | ')} |`)
  expect(markdown).toContain('one API process [not measured]')
  const imported = await importFresh(browser, baseURL as string, '/verdict', 'verdict', jsonPath)
  await expect(imported.getByTestId('verdict-phase')).toContainText('Imported: a run')
  expect(await view(imported)).toEqual(before)
  await imported.context().close()
})
