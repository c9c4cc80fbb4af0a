'use client'
import { useCallback, useState } from 'react'
import { STRATEGIES, type StrategyName } from '@lab/contracts'
import { AUTHENTICATED, COMPARE_SCHEMA, asCompareExport, compareMarkdown, type CompareExport } from '@/lib/compare-export'
import { useRecords } from '@/lib/records'
import { measure } from '@/lib/round-trips'
import { ExportButtons } from '../export/export-buttons'
import { RoundTripChart, type ChartSeries } from './round-trip-chart'
import { StrategyPane, type PaneCall } from './strategy-pane'

const DEFAULT_PANES: StrategyName[] = ['session', 'jwt']

/**
 * Strategy panes side by side, their running totals and a chart of round trips over time. `thief`:
 * the lab's stolen-credential replay (app/(demo)/attacker) exists, in the demo profile.
 */
export function CompareView({ thief }: { thief: boolean }) {
  const [panes, setPanes] = useState<StrategyName[]>(DEFAULT_PANES)
  const [calls, setCalls] = useState<PaneCall[]>([])
  const { get, add } = useRecords()
  const record = useCallback((entry: PaneCall) => setCalls((previous) => [...previous, entry]), [])
  const unused = STRATEGIES.filter((strategy) => !panes.includes(strategy))

  const totals = panes.map((strategy) => {
    const own = calls.filter((entry) => entry.strategy === strategy)
    let redis = 0
    let pg = 0
    let authenticated = 0
    let authenticatedTrips = 0
    const points: ChartSeries['points'] = [{ t: 0, trips: 0 }]
    for (const entry of own) {
      const measured = measure(entry.call, get(entry.call.requestId))
      redis += measured.redis
      pg += measured.pg
      // What a logged-in user pays on every request, apart from the rarer login, refresh and logout.
      if (AUTHENTICATED.has(entry.label)) {
        authenticated++
        authenticatedTrips += measured.redis + measured.pg
      }
      points.push({ t: (entry.call.startedAt - (calls[0]?.call.startedAt ?? entry.call.startedAt)) / 1000, trips: redis + pg })
    }
    return { strategy, requests: own.length, redis, pg, authenticated, authenticatedTrips, points }
  })

  const exported: CompareExport = {
    schema: COMPARE_SCHEMA,
    panes,
    calls,
    records: calls.map((entry) => get(entry.call.requestId)).filter((found) => found !== undefined),
  }
  const importExport = (data: unknown) => {
    const imported = asCompareExport(data)
    if (!imported) return 'This export holds no Compare panes this page can read.'
    add(imported.records)
    setPanes(imported.panes)
    setCalls(imported.calls)
    return null
  }

  return (
    <>
      <div className="pane-controls">
        {unused.length > 0 && (
          <label>
            Add a pane{' '}
            <select
              value=""
              onChange={(event) => setPanes([...panes, event.target.value as StrategyName])}
              data-testid="add-pane"
            >
              <option value="" disabled>
                choose a strategy
              </option>
              {unused.map((strategy) => (
                <option key={strategy} value={strategy}>
                  {strategy}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="quiet" onClick={() => setCalls([])} disabled={calls.length === 0}>
          Clear timelines
        </button>
        <ExportButtons kind="compare" data={calls.length ? exported : null} markdown={() => compareMarkdown(exported)} onImport={importExport} />
      </div>
      <div className="panes">
        {panes.map((strategy, index) => (
          <StrategyPane
            key={strategy}
            strategy={strategy}
            calls={calls.filter((entry) => entry.strategy === strategy)}
            onCall={record}
            thief={thief}
            choices={[strategy, ...unused]}
            onChangeStrategy={(next) => setPanes(panes.map((current, i) => (i === index ? next : current)))}
            onRemove={panes.length > 2 ? () => setPanes(panes.filter((current) => current !== strategy)) : undefined}
          />
        ))}
      </div>
      <section className="panel" aria-labelledby="totals-heading">
        <h2 id="totals-heading">Running totals</h2>
        <div className="table-scroll">
        <table className="totals" data-testid="totals">
          <thead>
            <tr>
              <th scope="col">strategy</th>
              <th scope="col">requests</th>
              <th scope="col">Redis round trips</th>
              <th scope="col">Postgres round trips</th>
              <th scope="col">round trips per request</th>
              <th scope="col">per /me, /admin or replay</th>
            </tr>
          </thead>
          <tbody>
            {totals.map((total) => (
              <tr key={total.strategy} data-strategy={total.strategy}>
                <th scope="row">{total.strategy}</th>
                <td data-testid="total-requests">{total.requests}</td>
                <td data-testid="total-redis">{total.redis}</td>
                <td data-testid="total-pg">{total.pg}</td>
                <td>{total.requests ? ((total.redis + total.pg) / total.requests).toFixed(2) : '–'}</td>
                <td data-testid="total-per-authenticated">{total.authenticated ? (total.authenticatedTrips / total.authenticated).toFixed(2) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        </div>
        <RoundTripChart series={totals.map(({ strategy, points }) => ({ strategy, points }))} />
      </section>
    </>
  )
}

