import { expect, test as base, type Page } from '@playwright/test'

/**
 * Playwright's `test`, for every journey of the lab: it also fails when a page reports a
 * Content-Security-Policy violation, since the pages must satisfy the policy the web origin sends.
 * A journey that provokes violations on purpose (the token-storage view's injections) lists them
 * with `test.use({ expectedCspViolations: [...] })`: then exactly those must happen.
 */
export const test = base.extend<{ cspViolations: void; expectedCspViolations: string[] }>({
  expectedCspViolations: [[], { option: true }],
  cspViolations: [
    async ({ page, expectedCspViolations }, use) => {
      const violations: string[] = []
      await page.exposeFunction('labCspViolation', (violation: string) => violations.push(violation))
      await page.addInitScript(() => {
        const report = (window as unknown as { labCspViolation: (violation: string) => void }).labCspViolation
        document.addEventListener('securitypolicyviolation', (event) =>
          report(`${location.pathname}: ${event.effectiveDirective} refused ${event.blockedURI || 'inline code'}`),
        )
      })
      await use()
      expect(violations.toSorted(), 'Content-Security-Policy violations').toEqual(expectedCspViolations.toSorted())
    },
    { auto: true },
  ],
})

export { expect }

/**
 * Loads a page and waits until the server's stream has settled into it. React 19.2 reveals streamed
 * Suspense content in throttled batches; when hydration renders that content first, the streamed
 * copy stays in the document, hidden (`<div hidden id="S:n">`), for up to ≈ 300 ms
 * (react/react#37014): a test id matches twice meanwhile, and Playwright's strict mode fails at once
 * (a CI run of the replicas journey did). Users never see the hidden copy.
 */
export async function openPage(page: Page, url: string) {
  const response = await page.goto(url)
  await page.waitForFunction(() => !document.querySelector('div[hidden][id^="S:"]'))
  return response
}

/**
 * Opens a view and waits for the page to be interactive: the header's live-records indicator turns
 * live only once React runs in the page. A select changed or a button clicked before then is lost
 * when React takes the server's markup over.
 */
export async function openView(page: Page, path: string): Promise<void> {
  await openPage(page, path)
  await expect(page.getByTestId('records-status')).toHaveAttribute('data-state', 'live')
}
