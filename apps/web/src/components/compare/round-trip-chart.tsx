'use client'
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { StrategyName } from '@lab/contracts'

export interface ChartSeries {
  strategy: StrategyName
  points: Array<{ t: number; trips: number }>
}

export const STRATEGY_COLORS: Record<StrategyName, string> = {
  session: '#f59e0b',
  'session-pg': '#38bdf8',
  'session-cached': '#2dd4bf',
  jwt: '#4ade80',
  'jwt-denylist': '#e879f9',
  'jwt-cookie': '#a5b4fc',
}

/** Cumulative store round trips per strategy against seconds since the first request. */
export function RoundTripChart({ series }: { series: ChartSeries[] }) {
  const hasData = series.some((entry) => entry.points.length > 1)
  return (
    <figure className="chart">
      <figcaption>Store round trips so far, per strategy (x: seconds since the first request)</figcaption>
      {hasData ? (
        <div className="chart-box">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart margin={{ top: 8, right: 24, bottom: 8, left: 0 }}>
              <CartesianGrid stroke="var(--grid)" strokeDasharray="3 3" />
              <XAxis type="number" dataKey="t" domain={[0, 'dataMax']} stroke="var(--muted)" tickFormatter={(t: number) => `${t.toFixed(t < 10 && !Number.isInteger(t) ? 1 : 0)} s`} />
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
