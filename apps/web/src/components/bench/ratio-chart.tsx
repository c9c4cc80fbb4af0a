'use client'
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts'
import type { StrategyName } from '@lab/contracts'
import type { TargetName } from '@/lib/bench'
import { STRATEGY_COLORS } from '../compare/round-trip-chart'

export interface Measurement {
  round: number
  target: TargetName
  rps: number
}

/** Each strategy, then the probe of the work it cannot avoid: the report's order. */
const ROUTES: ReadonlyArray<{ name: TargetName; strategy: StrategyName }> = [
  { name: 'jwt', strategy: 'jwt' },
  { name: 'probe:jwt', strategy: 'jwt' },
  { name: 'jwt-denylist', strategy: 'jwt-denylist' },
  { name: 'probe:jwt+redis', strategy: 'jwt-denylist' },
  { name: 'session', strategy: 'session' },
  { name: 'probe:redis', strategy: 'session' },
  { name: 'session-pg', strategy: 'session-pg' },
  { name: 'probe:pg', strategy: 'session-pg' },
]

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/**
 * Ratio to the no-auth baseline of the same round, median over the rounds measured so far. A round
 * in reverse order measures its baseline last, so its ratios appear when the round ends.
 */
export function liveRatios(measurements: readonly Measurement[]) {
  const baseline = new Map(measurements.filter((m) => m.target === 'baseline').map((m) => [m.round, m.rps]))
  return ROUTES.map((route) => {
    const ratios = measurements
      .filter((m) => m.target === route.name && baseline.has(m.round))
      .map((m) => m.rps / (baseline.get(m.round) as number))
    return { ...route, ratio: ratios.length ? median(ratios) : null, rounds: ratios.length }
  })
}

export function RatioChart({ measurements }: { measurements: readonly Measurement[] }) {
  const data = liveRatios(measurements).map((route) => ({ ...route, value: route.ratio ?? 0 }))
  const top = Math.ceil(Math.max(1.25, ...data.map((d) => d.value)) * 4) / 4
  const ticks = Array.from({ length: top * 4 + 1 }, (_, i) => i / 4)
  return (
    <figure className="chart" data-testid="bench-chart" data-routes-measured={data.filter((d) => d.ratio !== null).length}>
      <figcaption>
        Throughput as a share of the no-auth baseline measured in the same round (median of the rounds so far); each strategy, then
        its limit probe (paler)
      </figcaption>
      <div className="chart-box bench-chart-box">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} layout="vertical" margin={{ top: 24, right: 48, bottom: 8, left: 8 }}>
            <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" domain={[0, top]} ticks={ticks} stroke="var(--muted)" tickFormatter={(v: number) => v.toFixed(2)} />
            <YAxis type="category" dataKey="name" stroke="var(--muted)" width={120} interval={0} />
            <ReferenceLine x={1} stroke="var(--text)" strokeDasharray="4 3" label={{ value: 'baseline', fill: 'var(--muted)', position: 'top' }} />
            <Bar dataKey="value" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.name} fill={STRATEGY_COLORS[d.strategy]} fillOpacity={d.name.startsWith('probe:') ? 0.45 : 1} />
              ))}
              <LabelList dataKey="ratio" position="right" fill="var(--text)" formatter={(v: unknown) => (typeof v === 'number' ? v.toFixed(2) : '')} />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  )
}
