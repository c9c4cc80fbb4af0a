import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { OBSERVATIONS, REPORT_DIR, type Observation } from './observations.ts'

/** Turns the journeys' observations into report/README.md: one table per journey, one row per strategy. */
export default function writeReport() {
  if (!existsSync(OBSERVATIONS)) return
  const observations = readFileSync(OBSERVATIONS, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Observation)
  const journeys = [...new Set(observations.map((o) => o.journey))]
  const lines = [
    '# Session vs JWT Lab: what the browser showed',
    '',
    `Written by the Playwright suite on ${new Date().toISOString()} (Chromium, built API and web lab, real Redis and Postgres).`,
    'Every cell is read from the page during the run.',
    '',
    "Playwright's own HTML report of the same run, every test with its steps (and, for a test that failed, its trace and screenshot): " +
      '[html/index.html](html/index.html); open it with `pnpm --filter @lab/e2e exec playwright show-report report/html`.',
    '',
  ]
  for (const journey of journeys) {
    const rows = observations.filter((o) => o.journey === journey)
    const columns = [...new Set(rows.flatMap((o) => Object.keys(o.seen)))]
    lines.push(`## ${journey}`, '', `| ${rows[0]?.rowHeading ?? 'strategy'} | ${columns.join(' | ')} |`, `| --- | ${columns.map(() => '---').join(' | ')} |`)
    for (const row of rows) lines.push(`| ${row.strategy} | ${columns.map((c) => String(row.seen[c] ?? '–')).join(' | ')} |`)
    lines.push('')
    for (const shot of new Set(rows.map((o) => o.screenshot).filter(Boolean))) {
      // A screenshot of one row alone (one view, one attack) is named after it.
      const own = rows.filter((o) => o.screenshot === shot)
      lines.push(`![${journey}${own.length === 1 ? `: ${own[0]?.strategy}` : ''}](${shot})`, '')
    }
  }
  writeFileSync(`${REPORT_DIR}README.md`, `${lines.join('\n')}\n`)
}
