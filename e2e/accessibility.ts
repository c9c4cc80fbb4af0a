import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect } from './lab-test.ts'

/**
 * axe's WCAG 2 A and AA rules on the page as it stands: called after a journey's interactions, so
 * what they added (timelines, tables, open details) is checked too.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze()
  const found = violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
  expect(found, `axe (WCAG 2 A/AA) on ${what}`).toEqual([])
}
