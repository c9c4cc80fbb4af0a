// The bench's types, by path: a dependency on @lab/bench would put the API and the load generator
// in the web app's build graph (and its Docker image's prune) for what are only types here.
import type { BenchProgress, BenchReport, TargetName, TargetSummary } from '../../../../packages/bench/src/types.ts'

export type { BenchReport, TargetName, TargetSummary }

/**
 * The Server-Sent Events of `POST /bench/run`: the bench's own progress lines (`--json-progress`),
 * its report, or why the run failed.
 */
export type BenchEvent = BenchProgress | { type: 'report'; report: BenchReport } | { type: 'error'; message: string }

export const BENCH_EVENT_TYPES: ReadonlySet<string> = new Set<BenchEvent['type']>(['phase', 'measurement', 'storm', 'report', 'error'])

/** The short run the page starts: three rounds of one second per route, no login storm; ≈ 40 s. */
export const PAGE_RUN = { rounds: 3, duration: 1, users: 100 } as const

export const formatRatio = (value: number) => value.toFixed(2)
export const formatRps = (value: number) => Math.round(value).toLocaleString('en-US')
export const formatTrips = ({ redis, pg }: TargetSummary['roundTrips']) =>
  [redis ? `${redis} Redis` : '', pg ? `${pg} Postgres` : ''].filter(Boolean).join(' + ') || 'none'

/** Each strategy followed by its limit probe, the order of the report's table. */
export function pairs(report: BenchReport): Array<{ strategy: TargetSummary; probe: TargetSummary | undefined }> {
  return report.strategies.map((strategy) => ({ strategy, probe: report.probes.find((p) => p.name === strategy.probe) }))
}
