import { appendFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const REPORT_DIR = fileURLToPath(new URL('../report/', import.meta.url))
export const SCREENSHOT_DIR = `${REPORT_DIR}screenshots/`
export const OBSERVATIONS = `${REPORT_DIR}observations.jsonl`

/** What one journey showed on the page for one strategy (read from the page, never expected values). */
export interface Observation {
  journey: string
  /** the row: a strategy, or what else the journey compares (a view, an attack) */
  strategy: string
  /** the heading of that first column, when its rows are not strategies */
  rowHeading?: string
  /** column → what the page showed */
  seen: Record<string, string | number>
  screenshot?: string
}

export function observe(observation: Observation): void {
  mkdirSync(REPORT_DIR, { recursive: true })
  appendFileSync(OBSERVATIONS, `${JSON.stringify(observation)}\n`)
}

/** Where a journey's screenshot goes, relative paths for the report. */
export function screenshotPath(name: string): { path: string; relative: string } {
  return { path: `${SCREENSHOT_DIR}${name}.png`, relative: `screenshots/${name}.png` }
}
