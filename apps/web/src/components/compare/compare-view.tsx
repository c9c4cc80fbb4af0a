'use client'
import { useCallback, useEffect, useRef, useState } from 'react'
import { STRATEGIES, type MeResponse, type StrategyName } from '@lab/contracts'
import { apiFetch } from '@/lib/api'
import { COMPARE_SCHEMA, asCompareExport, compareMarkdown, type CompareExport } from '@/lib/compare-export'
import { DEFAULT_SETUP, KEPT_CALLS, formatSetup, parseSetup, readSession, writeSession, type CompareSession, type PaneCall, type SavedPane } from '@/lib/compare-setup'
import { useCredentials } from '@/lib/credentials'
import { useRecords } from '@/lib/records'
import { measure, formatMs } from '@/lib/round-trips'
import { SHORT_TTL_SECONDS, isTokenStrategy } from '@/lib/strategies'
import { KINDS, perRequest, sampleOf, totalsByKind, type KindTotal } from '@/lib/totals'
import { ExportButtons } from '../export/export-buttons'
import { OutcomeLegend } from '../outcome'
import { RoundTripChart, type ChartSeries } from './round-trip-chart'
import { StrategyPane, type Identity } from './strategy-pane'

/** Where this tab keeps its Compare session, so a reload finds its panes, timelines and thieves again. */
export const COMPARE_KEY = 'lab:compare'

const KIND_HEADINGS: Record<(typeof KINDS)[number], string> = {
  authenticated: 'per authenticated request',
  login: 'per login',
  refresh: 'per refresh',
  logout: 'per logout',
}

const initial: CompareSession = { panes: DEFAULT_SETUP.map((pane) => ({ ...pane, stolen: null })), calls: [], ttl: null }

const ms = (value: number | null) => (value === null ? '–' : formatMs(value))

/**
 * Strategy panes side by side, their totals per kind of request and a chart of round trips over
 * time. `thief`: the lab's stolen-credential replay (app/(demo)/attacker) and `?ttl=` logins exist,
 * in the demo profile. The session survives a reload of this tab; the address names its panes.
 */
export function CompareView({ thief }: { thief: boolean }) {
  const [session, setSession] = useState<CompareSession>(initial)
  const [restored, setRestored] = useState(false)
  const [identities, setIdentities] = useState<Partial<Record<StrategyName, Identity>>>({})
  const [linkCopied, setLinkCopied] = useState(false)
  const { ready, tokens } = useCredentials()
  const { get, add } = useRecords()
  const { panes, calls, ttl } = session
  const strategies = panes.map((pane) => pane.strategy)
  const unused = STRATEGIES.filter((strategy) => !strategies.includes(strategy))

  const record = useCallback(
    (entry: PaneCall) => setSession((previous) => ({ ...previous, calls: [...previous.calls, entry].slice(-KEPT_CALLS) })),
    [],
  )
  /** Counts imports: a question to /me asked before one belongs to the timelines it replaced. */
  const imports = useRef(0)
  /** Asks the API who this pane's credential belongs to, rather than assuming it: after a reload, a login or a logout. */
  const check = useCallback(
    async (strategy: StrategyName, token: string | null) => {
      const asked = imports.current
      setIdentities((previous) => ({ ...previous, [strategy]: { state: 'checking' } }))
      const call = await apiFetch<MeResponse>(`/api/${strategy}/me`, { token })
      if (asked !== imports.current) return
      record({ strategy, label: 'who? /me', call })
      setIdentities((previous) => ({ ...previous, [strategy]: { state: 'checked', call } }))
    },
    [record],
  )

  // Once: this tab's session, and the panes a link names (which win over the tab's own).
  useEffect(() => {
    const saved = readSession(sessionStorage.getItem(COMPARE_KEY))
    const link = parseSetup(window.location.search)
    setSession({
      panes: link ? link.map((pane) => ({ ...pane, stolen: saved?.panes.find((own) => own.strategy === pane.strategy)?.stolen ?? null })) : (saved?.panes ?? initial.panes),
      calls: saved?.calls ?? [],
      ttl: thief ? (saved?.ttl ?? null) : null,
    })
    setRestored(true)
  }, [thief])

  // Every pane says who is logged in, as /me answers, once the tab's tokens are back; a pane that
  // comes (back) is asked again.
  const checked = useRef(new Set<StrategyName>())
  const paneList = strategies.join(' ')
  useEffect(() => {
    if (!restored || !ready) return
    const shown = paneList.split(' ') as StrategyName[]
    for (const strategy of checked.current) if (!shown.includes(strategy)) checked.current.delete(strategy)
    for (const strategy of shown) {
      if (checked.current.has(strategy)) continue
      checked.current.add(strategy)
      void check(strategy, isTokenStrategy(strategy) ? (tokens[strategy]?.accessToken ?? null) : null)
    }
  }, [restored, ready, paneList, tokens, check])

  useEffect(() => {
    if (!restored) return
    sessionStorage.setItem(COMPARE_KEY, writeSession(session))
    window.history.replaceState(null, '', `${window.location.pathname}${formatSetup(session.panes)}`)
  }, [restored, session])

  const setPanes = (next: SavedPane[]) => setSession((previous) => ({ ...previous, panes: next }))
  const changePane = (strategy: StrategyName, change: Partial<SavedPane>) =>
    setSession((previous) => ({ ...previous, panes: previous.panes.map((pane) => (pane.strategy === strategy ? { ...pane, ...change } : pane)) }))

  const totals = panes.map(({ strategy }) => {
    const own = calls.filter((entry) => entry.strategy === strategy)
    let trips = 0
    const points: ChartSeries['points'] = [{ t: 0, trips: 0 }]
    const samples = own.map((entry) => {
      const measured = measure(entry.call, get(entry.call.requestId))
      trips += measured.redis + measured.pg
      points.push({ t: (entry.call.startedAt - (calls[0]?.call.startedAt ?? entry.call.startedAt)) / 1000, trips })
      return sampleOf(entry.call, measured)
    })
    return {
      strategy,
      requests: own.length,
      redis: samples.reduce((sum, sample) => sum + sample.redis, 0),
      pg: samples.reduce((sum, sample) => sum + sample.pg, 0),
      kinds: totalsByKind(samples),
      points,
    }
  })

  const copyLink = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href)
      setLinkCopied(true)
      setTimeout(() => setLinkCopied(false), 2000)
    } catch {
      // no clipboard here: the address bar holds the same link
    }
  }

  const exported: CompareExport = {
    schema: COMPARE_SCHEMA,
    panes: strategies,
    calls,
    records: calls.map((entry) => get(entry.call.requestId)).filter((found) => found !== undefined),
  }
  /** An imported run is shown as it was: its panes are not asked /me, which would add requests to it. */
  const importExport = (data: unknown) => {
    const imported = asCompareExport(data)
    if (!imported) return 'This export holds no Compare panes this page can read.'
    add(imported.records)
    imports.current++
    checked.current = new Set(imported.panes)
    setIdentities(Object.fromEntries(imported.panes.map((strategy) => [strategy, { state: 'unchecked' }])))
    setSession((previous) => ({ ...previous, panes: imported.panes.map((strategy) => ({ strategy, user: 'alice', stolen: null })), calls: imported.calls }))
    return null
  }

  return (
    <>
      <div className="pane-controls">
        {unused.length > 0 && (
          <label>
            Add a pane{' '}
            <select value="" onChange={(event) => setPanes([...panes, { strategy: event.target.value as StrategyName, user: 'alice', stolen: null }])} data-testid="add-pane">
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
        {thief && (
          <label title={`POST /api/:strategy/login?ttl=${SHORT_TTL_SECONDS}, a demo-profile option`}>
            <input
              type="checkbox"
              checked={ttl !== null}
              onChange={(event) => setSession((previous) => ({ ...previous, ttl: event.target.checked ? SHORT_TTL_SECONDS : null }))}
              data-testid="short-ttl"
            />{' '}
            short-lived logins: access tokens and cached copies live {SHORT_TTL_SECONDS} s
          </label>
        )}
        <button type="button" className="quiet" onClick={() => setSession((previous) => ({ ...previous, calls: [] }))} disabled={calls.length === 0}>
          Clear timelines
        </button>
        <a href={formatSetup(panes)} className="setup-link" data-testid="setup-link" onClick={(event) => (event.preventDefault(), void copyLink())}>
          {linkCopied ? 'Link copied' : 'Copy a link to these panes'}
        </a>
        <ExportButtons kind="compare" data={calls.length ? exported : null} markdown={() => compareMarkdown(exported)} onImport={importExport} />
      </div>
      <OutcomeLegend show={['neutral', 'safe', 'danger', 'unavailable']} />
      <div className="panes">
        {panes.map((pane, index) => (
          <StrategyPane
            key={pane.strategy}
            pane={pane}
            calls={calls.filter((entry) => entry.strategy === pane.strategy)}
            onCall={record}
            onChange={(change) => changePane(pane.strategy, change)}
            identity={identities[pane.strategy] ?? { state: 'checking' }}
            onCheck={(token) => check(pane.strategy, token)}
            perAuthenticated={totals[index]?.kinds.authenticated ?? null}
            ttl={ttl}
            thief={thief}
            choices={[pane.strategy, ...unused]}
            onChangeStrategy={(next) => setPanes(panes.map((current, i) => (i === index ? { strategy: next, user: current.user, stolen: null } : current)))}
            onRemove={panes.length > 2 ? () => setPanes(panes.filter((current) => current.strategy !== pane.strategy)) : undefined}
          />
        ))}
      </div>
      <section className="panel" aria-labelledby="totals-heading">
        <h2 id="totals-heading">Running totals</h2>
        <p className="muted">
          Round trips per kind of request: an authenticated request (<code>/me</code>, <code>/admin</code>, a replay, whose credential the server accepted) is what a
          logged-in user pays every time; login, refresh and logout are rarer. Timings are medians: the server&apos;s{' '}
          <code>auth</code> and <code>total</code> from <code>Server-Timing</code>, and the browser&apos;s, which adds the network
          and the web origin&apos;s proxy.
          {calls.length >= KEPT_CALLS && ` Only the last ${KEPT_CALLS} requests are kept.`}
        </p>
        <div className="table-scroll" role="region" aria-label="Running totals" tabIndex={0}>
          <table className="totals" data-testid="totals">
            <thead>
              <tr>
                <th scope="col">strategy</th>
                <th scope="col">requests</th>
                <th scope="col">Redis round trips</th>
                <th scope="col">Postgres round trips</th>
                {KINDS.map((kind) => (
                  <th scope="col" key={kind}>
                    {KIND_HEADINGS[kind]}
                  </th>
                ))}
                <th scope="col">authenticated: server auth / total, browser (ms)</th>
              </tr>
            </thead>
            <tbody>
              {totals.map((total) => (
                <tr key={total.strategy} data-strategy={total.strategy}>
                  <th scope="row">{total.strategy}</th>
                  <td data-testid="total-requests">{total.requests}</td>
                  <td data-testid="total-redis">{total.redis}</td>
                  <td data-testid="total-pg">{total.pg}</td>
                  {KINDS.map((kind) => (
                    <td key={kind} data-testid={`total-per-${kind}`} data-count={total.kinds[kind].count}>
                      <KindCell total={total.kinds[kind]} />
                    </td>
                  ))}
                  <td className="nowrap" data-testid="total-timing">
                    {ms(total.kinds.authenticated.authMs)} / {ms(total.kinds.authenticated.serverMs)}, {ms(total.kinds.authenticated.latencyMs)}
                  </td>
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

function KindCell({ total }: { total: KindTotal }) {
  if (total.count === 0) return <span className="muted">–</span>
  return (
    <>
      <strong>{perRequest(total)}</strong> <span className="muted">(n={total.count})</span>
    </>
  )
}
