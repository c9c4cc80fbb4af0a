'use client'
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts'
import { STRATEGIES, type StrategyName } from '@lab/contracts'
import { PROBE_OF, type TargetName } from '@/lib/bench'
import { STRATEGY_COLORS } from '../compare/round-trip-chart'

export interface Measurement {
  round: number
  target: TargetName
  rps: number
}

/** The no-auth row, then each strategy: the route, its probe inside the API, and its bare probe (the limit). */
const ROWS: ReadonlyArray<{ name: StrategyName | 'no auth'; route: TargetName; inAppProbe: TargetName | null; bare: TargetName }> = [
  { name: 'no auth', route: 'baseline', inAppProbe: null, bare: 'bare:baseline' },
  ...STRATEGIES.map((strategy) => ({ name: strategy, route: strategy, inAppProbe: `probe:${PROBE_OF[strategy]}` as const, bare: `bare:${PROBE_OF[strategy]}` as const })),
]

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** Median over the rounds measured so far of (route req/s ÷ the limit's req/s in the same round); null until one round has both. */
function shareOf(measurements: readonly Measurement[], route: TargetName, bare: TargetName): number | null {
  const limit = new Map(measurements.filter((m) => m.target === bare).map((m) => [m.round, m.rps]))
  const shares = measurements.filter((m) => m.target === route && limit.has(m.round)).map((m) => m.rps / (limit.get(m.round) as number))
  return shares.length ? median(shares) : null
}

/** Each row's share of its physical limit, and its probe's inside the API, as the rounds come in. */
export function liveShares(measurements: readonly Measurement[]) {
  return ROWS.map((row) => ({
    name: row.name,
    share: shareOf(measurements, row.route, row.bare),
    probeShare: row.inAppProbe === null ? null : shareOf(measurements, row.inAppProbe, row.bare),
  }))
}

const colorOf = (name: StrategyName | 'no auth') => (name === 'no auth' ? 'var(--muted)' : STRATEGY_COLORS[name])
const label = (value: unknown) => (typeof value === 'number' && value > 0 ? value.toFixed(2) : '')

export function RatioChart({ measurements }: { measurements: readonly Measurement[] }) {
  const data = liveShares(measurements).map((row) => ({ ...row, value: row.share ?? 0, probeValue: row.probeShare ?? 0 }))
  const top = Math.ceil(Math.max(1.25, ...data.map((d) => Math.max(d.value, d.probeValue))) * 4) / 4
  const ticks = Array.from({ length: top * 4 + 1 }, (_, i) => i / 4)
  return (
    <figure className="chart" data-testid="bench-chart" data-routes-measured={data.filter((d) => d.share !== null).length}>
      <figcaption>
        Throughput as a share of the physical limit (a bare process doing only the work the strategy cannot avoid), median of the
        rounds so far: the strategy, then its probe inside the API (paler), whose gap to 1 is what the API around it costs
      </figcaption>
      <div className="chart-box bench-chart-box">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 24, right: 48, bottom: 8, left: 8 }} barGap={2}>
            <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={[0, top]} ticks={ticks} stroke="var(--muted)" tickFormatter={(v: number) => v.toFixed(2)} />
            <YAxis type="category" dataKey="name" stroke="var(--muted)" width={128} interval={0} />
            <ReferenceLine x={1} stroke="var(--text)" strokeDasharray="4 3" label={{ value: 'the limit', fill: 'var(--muted)', position: 'top' }} />
            <Bar dataKey="value" name="the strategy's /me" isAnimationActive={false} fill="var(--accent)">
              {data.map((d) => (
                <Cell key={d.name} fill={colorOf(d.name)} />
              ))}
              <LabelList dataKey="share" position="right" fill="var(--text)" formatter={label} />
            </Bar>
            <Bar dataKey="probeValue" name="its probe inside the API" isAnimationActive={false} fill="var(--accent)" fillOpacity={0.4}>
              {data.map((d) => (
                <Cell key={d.name} fill={colorOf(d.name)} fillOpacity={0.4} />
              ))}
              <LabelList dataKey="probeShare" position="right" fill="var(--muted)" formatter={label} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  )
}
