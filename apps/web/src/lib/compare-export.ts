// Compare's panes and timelines as an export: the requests with their live records, so an import
// shows every round trip as it was shown, and the same as Markdown.
import { STRATEGIES, type RequestRecord, type StrategyName } from '@lab/contracts'
import type { ApiCall } from './api'
import { isRecord, markdownTable } from './export.ts'
import { formatMs, measure } from './round-trips.ts'
import { perRequest, sampleOf, totalsByKind } from './totals.ts'

export const COMPARE_SCHEMA = 'lab-compare/1'

export interface CompareExport {
  schema: typeof COMPARE_SCHEMA
  panes: StrategyName[]
  /** every request of every pane, in the order sent */
  calls: Array<{ strategy: StrategyName; label: string; call: ApiCall }>
  /** the live records of those requests that had one */
  records: RequestRecord[]
}

export function compareMarkdown(data: CompareExport): string {
  const records = new Map(data.records.map((record) => [record.requestId, record]))
  const measured = data.calls.map((entry) => ({ ...entry, measured: measure(entry.call, records.get(entry.call.requestId ?? '')) }))
  const lines = [
    '# Compare: the same requests, strategy by strategy',
    '',
    `${data.calls.length} requests from the lab's Compare view. Round trips come from each request's live record, or its Server-Timing header; latency was measured in the browser, through the web origin.`,
    '',
    '## Totals',
    '',
    markdownTable(
      ['strategy', 'requests', 'Redis round trips', 'Postgres round trips', 'per authenticated request (n)', 'per login', 'per refresh', 'per logout'],
      data.panes.map((strategy) => {
        const own = measured.filter((entry) => entry.strategy === strategy)
        const kinds = totalsByKind(own.map((entry) => sampleOf(entry.call, entry.measured)))
        return [
          strategy,
          String(own.length),
          String(own.reduce((sum, entry) => sum + entry.measured.redis, 0)),
          String(own.reduce((sum, entry) => sum + entry.measured.pg, 0)),
          `${perRequest(kinds.authenticated)} (${kinds.authenticated.count})`,
          perRequest(kinds.login),
          perRequest(kinds.refresh),
          perRequest(kinds.logout),
        ]
      }),
    ),
  ]
  for (const strategy of data.panes) {
    const own = measured.filter((entry) => entry.strategy === strategy)
    lines.push('', `## ${strategy}`, '')
    if (own.length === 0) {
      lines.push('No request.')
      continue
    }
    lines.push(
      markdownTable(
        ['#', 'request', 'sent by', 'status', 'code', 'browser ms', 'server ms', 'round trips'],
        own.map(({ label, call, measured: m }, index) => [
          String(index + 1),
          label,
          call.via === 'attacker' ? 'the thief' : 'this browser',
          String(call.status),
          call.errorCode ?? '',
          formatMs(call.latencyMs),
          m.serverMs === null ? '' : formatMs(m.serverMs),
          m.marks.map((mark) => `${mark.store === 'pg' ? 'Postgres' : 'Redis'} ${mark.command} ${formatMs(mark.durationMs)} ms`).join(', ') || 'none',
        ]),
      ),
    )
  }
  return `${lines.join('\n')}\n`
}

/** An imported Compare export, checked enough to be shown, or null. */
export function asCompareExport(data: unknown): CompareExport | null {
  if (!isRecord(data) || data.schema !== COMPARE_SCHEMA || !Array.isArray(data.panes) || !Array.isArray(data.calls) || !Array.isArray(data.records)) return null
  const strategies: readonly string[] = STRATEGIES
  if (!data.panes.every((pane) => strategies.includes(pane as string))) return null
  const callsOk = data.calls.every(
    (entry) => isRecord(entry) && strategies.includes(entry.strategy as string) && typeof entry.label === 'string' && isRecord(entry.call) && typeof entry.call.id === 'string' && Array.isArray(entry.call.serverTiming),
  )
  const recordsOk = data.records.every((record) => isRecord(record) && typeof record.requestId === 'string' && Array.isArray(record.roundTrips))
  return callsOk && recordsOk ? (data as unknown as CompareExport) : null
}
