import { readFileSync } from 'node:fs'
import type { Page } from '@playwright/test'
import { expect, openView, test } from '../lab-test.ts'
import { STRATEGIES } from '@lab/contracts'
import { downloadExports, importFresh } from '../exports.ts'
import { observe } from '../reporting/observations.ts'

/** What Compare shows: its panes, every request row (with where its round trips came from), and the totals. */
async function compareView(page: Page) {
  const panes = await page.locator('[data-testid^="pane-"]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-testid')))
  const rows = await page.getByTestId('request').evaluateAll((nodes) =>
    nodes.map((node) => ['label', 'status', 'code', 'source', 'redis', 'pg'].map((name) => node.getAttribute(`data-${name}`)).join(' ')),
  )
  return { panes, rows, totals: await page.getByTestId('totals').innerText() }
}

test('export: Compare downloads as JSON and Markdown, and the JSON imported in a fresh browser shows the same panes, requests and totals', async ({ page, browser, baseURL }) => {
  await openView(page, '/')
  await page.getByTestId('add-pane').selectOption('session-pg')
  for (const strategy of ['session', 'session-pg', 'jwt']) {
    const pane = page.getByTestId(`pane-${strategy}`)
    await pane.getByRole('button', { name: 'Log in' }).click()
    await expect(pane.locator('[data-testid=request][data-label=login]')).toHaveCount(1)
    await pane.getByTestId('times').fill('2')
    await pane.getByRole('button', { name: /GET \/me/ }).click()
    await expect(pane.locator('[data-testid=request][data-label="/me"][data-source=record]')).toHaveCount(2)
  }
  // Each pane's own questions to /me (who is logged in) are on its timeline too: every row with its live record.
  await expect(page.locator('[data-testid=request][data-label=login], [data-testid=request][data-label="/me"]')).toHaveCount(9)
  await expect(page.locator('[data-testid=request]:not([data-source=record])')).toHaveCount(0)
  const before = await compareView(page)

  const { jsonPath, markdown } = await downloadExports(page, 'compare')
  expect(markdown).toContain('# Compare')
  for (const strategy of ['session', 'session-pg', 'jwt']) expect(markdown).toContain(`## ${strategy}`)
  expect(markdown).toMatch(/\| \d+ \| \/me \| this browser \| 200 \| {2}\| [\d.]+ \| [\d.]+ \| Redis GET [\d.]+ ms \|/)

  const imported = await importFresh(browser, baseURL as string, '/', 'compare', jsonPath)
  expect(await compareView(imported)).toEqual(before)
  await imported.context().close()
  observe({ journey: 'Exports: export, then import in a fresh browser', strategy: 'compare', seen: { requests: before.rows.length, 'same view after import': 'yes' } })
})

test('export: a revocation run downloads, and imported in a fresh browser reads the same, verdicts and windows included', async ({ page, browser, baseURL }) => {
  test.setTimeout(90_000)
  await openView(page, '/revocation')
  await page.getByTestId('short-story').check()
  await page.getByTestId('run-revocation').click()
  await expect(page.getByTestId('run-revocation')).toHaveText(/Run:/, { timeout: 40_000 })
  const view = async (on: Page) =>
    Promise.all(
      STRATEGIES.map(async (strategy) => {
        const row = on.getByTestId(`revocation-${strategy}`)
        return [strategy, await row.getAttribute('data-verdict'), await row.getAttribute('data-code'), await row.innerText()].join(' | ')
      }),
    )
  const before = await view(page)
  // session, session-pg, jwt-denylist and jwt-dpop (whose thief lacks the key)
  expect(before.filter((row) => row.includes('rejected-immediately'))).toHaveLength(4)

  const { jsonPath, markdown } = await downloadExports(page, 'revocation')
  for (const strategy of STRATEGIES) expect(markdown).toMatch(new RegExp(`\\| ${strategy} \\|`))
  expect(markdown).toContain('Refused at once (401 AUTH_REVOKED)')

  const imported = await importFresh(browser, baseURL as string, '/revocation', 'revocation', jsonPath)
  expect(await view(imported)).toEqual(before)
  // The export says it was the short story, and the import shows it so (a fresh page starts on it too).
  expect(readFileSync(jsonPath, 'utf8')).toMatch(/"short":\s*true/)
  await expect(imported.getByTestId('short-story')).toBeChecked()
  await imported.context().close()
  observe({ journey: 'Exports: export, then import in a fresh browser', strategy: 'revocation', seen: { rows: before.length, 'same view after import': 'yes' } })
})

test('export: an import of the wrong kind, or of anything else, is refused with a reason', async ({ page }) => {
  await openView(page, '/revocation')
  const group = page.getByTestId('export-revocation')
  await group.getByTestId('import-json').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"schema":"lab-export/1","kind":"compare","exportedAt":"2026-01-01T00:00:00Z","data":{}}') })
  await expect(group.getByTestId('import-message')).toHaveText('This file is a compare export; this view reads revocation exports.')
  await group.getByTestId('import-json').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('<script>alert(1)</script>') })
  await expect(group.getByTestId('import-message')).toHaveText('This file is not JSON.')
  await expect(page.getByTestId('revocation-session')).toHaveAttribute('data-verdict', 'pending')
})
