import type { BenchProgress, BenchReport, LimitComparison, LimitTarget, ProbeName, TargetName, TargetSummary } from '@lab/bench-report'
import type { StrategyName } from '@lab/contracts'

export type { BenchReport, LimitComparison, TargetName, TargetSummary }

/** The report format this page reads; an older committed report is named, not misread. */
export const BENCH_SCHEMA: BenchReport['schema'] = 'lab-bench/2'

/** The work each strategy cannot avoid: its limit probe, as packages/bench pairs them. */
export const PROBE_OF: Record<StrategyName, ProbeName> = {
  session: 'redis',
  'session-pg': 'pg',
  'session-cached': 'session-cache',
  jwt: 'jwt',
  'jwt-denylist': 'jwt+redis',
  'jwt-cookie': 'jwt-cookie',
  'jwt-dpop': 'jwt+dpop',
}

/**
 * The Server-Sent Events of `POST /bench/run`: the bench's own progress lines (`--json-progress`),
 * its report, or why the run failed.
 */
export type BenchEvent = BenchProgress | { type: 'report'; report: BenchReport } | { type: 'error'; message: string }

export const BENCH_EVENT_TYPES: ReadonlySet<string> = new Set<BenchEvent['type']>(['phase', 'measurement', 'storm', 'report', 'error'])

/** The short run the page starts: three rounds of one second per route, no login storm; ≈ 70 s. */
export const PAGE_RUN = { rounds: 3, duration: 1, users: 100 } as const

export const formatRatio = (value: number) => value.toFixed(2)
export const formatRps = (value: number) => Math.round(value).toLocaleString('en-US')
export const formatTrips = ({ redis, pg }: TargetSummary['roundTrips']) =>
  [redis ? `${redis} Redis` : '', pg ? `${pg} Postgres` : ''].filter(Boolean).join(' + ') || 'none'

/** Each strategy followed by its limit probe, the order of the report's table. */
export function pairs(report: BenchReport): Array<{ strategy: TargetSummary; probe: TargetSummary | undefined }> {
  return report.strategies.map((strategy) => ({ strategy, probe: report.probes.find((p) => p.name === strategy.probe) }))
}

/** A target's result in words; a run too short to judge (a smoke check, the page's own run) is never judged. */
export function verdictText(target: LimitTarget, judged: boolean): string {
  return !judged || target.verdict === 'not judged' ? 'not judged' : target.verdict
}
