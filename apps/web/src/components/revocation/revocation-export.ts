// The revocation run as an export: its rows as the view keeps them, to import again, and the same
// table in Markdown.
import { STRATEGIES, type StrategyName } from '@lab/contracts'
import { isRecord, markdownTable } from '@/lib/export'

export const REVOCATION_SCHEMA = 'lab-revocation/1'

export interface RevocationExport<Row> {
  schema: typeof REVOCATION_SCHEMA
  /** the short story: logins with ?ttl= */
  short: boolean
  rows: Record<StrategyName, Row>
}

/** One strategy's row in words, as the view shows it. */
export interface RevocationLine {
  logout: string
  replays: string
  window: string
  verdict: string
}

export function revocationMarkdown(short: boolean, line: (strategy: StrategyName) => RevocationLine): string {
  return [
    '# Revocation: what does “log out” revoke?',
    '',
    `alice logs in${short ? ' (short story: ?ttl=10)' : ''}, a thief captures her credential, alice logs out, and the thief replays it every second from the web server. ` +
      'The window is measured from logout to the last replay let in and the first refused.',
    '',
    markdownTable(
      ['strategy', 'logout revokes', "the thief's replays after logout", 'window, measured', 'verdict'],
      STRATEGIES.map((strategy) => {
        const { logout, replays, window, verdict } = line(strategy)
        return [strategy, logout, replays, window, verdict]
      }),
    ),
    '',
  ].join('\n')
}

/** An imported revocation export, checked enough to be shown, or null. */
export function asRevocationExport(data: unknown): RevocationExport<Record<string, unknown>> | null {
  if (!isRecord(data) || data.schema !== REVOCATION_SCHEMA || typeof data.short !== 'boolean' || !isRecord(data.rows)) return null
  const rows = data.rows
  const ok = STRATEGIES.every((strategy) => {
    const row = rows[strategy]
    return isRecord(row) && typeof row.phase === 'string' && Array.isArray(row.replays)
  })
  return ok ? (data as unknown as RevocationExport<Record<string, unknown>>) : null
}
