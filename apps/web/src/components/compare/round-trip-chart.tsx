'use client'
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { StrategyName } from '@lab/contracts'
import { formatSeconds, timeTicks } from '@/lib/ticks'

export interface ChartSeries {
  strategy: StrategyName
  points: Array<{ t: number; trips: number }>
}

/**
 * Each strategy's own colour, for its pane and its line: blues for the sessions (session's is
 * Redis's, session-pg's Postgres's), pinks and white for the JWTs; never a colour that means an
 * outcome (lib/outcome.ts).
 */
export const STRATEGY_COLORS: Record<StrategyName, string> = {
  session: '#38bdf8',
  'session-pg': '#818cf8',
  'session-cached': '#2dd4bf',
  jwt: '#f472b6',
  'jwt-denylist': '#e2e8f0',
  'jwt-cookie': '#f9a8d4',
  'jwt-dpop': '#c084fc',
}

/** Cumulative store round trips per strategy against seconds since the first request. */
export function RoundTripChart({ series }: { series: ChartSeries[] }) {
  const hasData = series.some((entry) => entry.points.length > 1)
  const ticks = timeTicks(Math.max(0, ...series.flatMap((entry) => entry.points.map((point) => point.t))))
  return (
    <figure className="chart">
      <figcaption>Store round trips so far, per strategy (x: seconds since the first request)</figcaption>
      {hasData ? (
        <div className="chart-box">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart margin={{ top: 8, right: 24, bottom: 8, left: 0 }}>
              <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
              <XAxis type="number" dataKey="t" domain={[0, ticks.at(-1) ?? 1]} ticks={ticks} interval={0} stroke="var(--muted)" tickFormatter={formatSeconds} />
              <YAxis allowDecimals={false} stroke="var(--muted)" />
              <Tooltip contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }} labelFormatter={(t) => `${Number(t).toFixed(1)} s`} />
              <Legend />
              {series.map((entry) => (
                <Line
                  key={entry.strategy}
                  data={entry.points}
                  dataKey="trips"
                  name={entry.strategy}
                  type="stepAfter"
                  stroke={STRATEGY_COLORS[entry.strategy]}
                  strokeWidth={3}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <p className="muted">Make a few requests in the panes above to draw it.</p>
      )}
    </figure>
  )
}
