// Exports as a person takes them away: the browser's own downloads, then the JSON imported again in
// a fresh browser (nothing kept from the first one: no cookie, no storage), where the view must read
// as it did. Each file is attached to the Playwright report.
import { readFileSync } from 'node:fs'
import type { Browser, Locator, Page } from '@playwright/test'
import { expect, openView, test } from './lab-test.ts'

export type ExportKind = 'compare' | 'revocation' | 'verdict' | 'bench'

/** Downloads the view's JSON and Markdown exports; returns where the JSON is and what the Markdown says. */
export async function downloadExports(page: Page, kind: ExportKind, within: Page | Locator = page): Promise<{ jsonPath: string; markdown: string }> {
  const group = within.getByTestId(`export-${kind}`)
  const saved: Record<string, string> = {}
  for (const format of ['json', 'markdown'] as const) {
    const [download] = await Promise.all([page.waitForEvent('download'), group.getByTestId(`export-${format}`).click()])
    expect(download.suggestedFilename()).toMatch(new RegExp(`^lab-${kind}-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.${format === 'json' ? 'json' : 'md'}$`))
    const path = test.info().outputPath(download.suggestedFilename())
    await download.saveAs(path)
    await test.info().attach(download.suggestedFilename(), { path, contentType: format === 'json' ? 'application/json' : 'text/markdown' })
    saved[format] = path
  }
  const json = JSON.parse(readFileSync(saved.json as string, 'utf8')) as { schema: string; kind: string }
  expect([json.schema, json.kind]).toEqual(['lab-export/1', kind])
  return { jsonPath: saved.json as string, markdown: readFileSync(saved.markdown as string, 'utf8') }
}

/** Opens `path` in a fresh browser context, imports the JSON there, and returns that page (its context closes with the test). */
export async function importFresh(browser: Browser, baseURL: string, path: string, kind: ExportKind, jsonPath: string): Promise<Page> {
  const context = await browser.newContext({ baseURL })
  test.info().annotations.push({ type: 'import', description: `${kind} export imported in a fresh browser context` })
  const page = await context.newPage()
  await openView(page, path)
  const input = page.getByTestId(`export-${kind}`).getByTestId('import-json')
  // A view that streams in (the verdict waits on the API) may briefly hold its server-rendered copy beside the client's.
  await expect(input).toHaveCount(1)
  await input.setInputFiles(jsonPath)
  await expect(page.getByTestId(`export-${kind}`).getByTestId('import-message')).toContainText('Imported')
  return page
}
