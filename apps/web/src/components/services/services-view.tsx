'use client'
import { useState } from 'react'
import { ORDERS_STRATEGIES, type LoginResponse, type OrdersResponse, type OrdersStrategy, type ServerTimingEntry } from '@lab/contracts'
import { apiFetch, ordersFetch, type ApiCall } from '@/lib/api'
import type { Outcome } from '@/lib/outcome'
import { DEMO_USERS } from '@/lib/strategies'
import { OutcomeChip, OutcomeLegend } from '../outcome'

/** The owner's own requests: answered, turned away, or not answered. */
function ownerOutcome(call: ApiCall): Outcome {
  if (call.status === 0 || call.status >= 500) return 'unavailable'
  return call.ok ? 'neutral' : 'lost'
}

interface Row {
  strategy: OrdersStrategy
  login: ApiCall<LoginResponse>
  api: ApiCall | null
  orders: ApiCall<OrdersResponse> | null
}

/** A hop as drawn: where the request went, and what it cost (from Server-Timing). */
interface Hop {
  kind: 'jwks' | 'jwks-cached' | 'api' | 'redis' | 'pg'
  label: string
  ms: number | null
}

const STORE_LABEL = { redis: 'Redis', pg: 'Postgres' } as const

/** The hops a service reported making: store round trips (API) or its own hops (orders); a JWT checked with cached keys makes none. */
function hopsOf(timing: ServerTimingEntry[], check: OrdersResponse['check'] | null): Hop[] {
  const hops: Hop[] = timing.flatMap((entry): Hop[] => {
    if (entry.name === 'jwks') return [{ kind: 'jwks', label: 'JWKS fetched from the API', ms: entry.dur }]
    if (entry.name === 'api') return [{ kind: 'api', label: `API ${entry.desc ?? ''}`.trim(), ms: entry.dur }]
    if (entry.name === 'redis' || entry.name === 'pg') return [{ kind: entry.name, label: `${STORE_LABEL[entry.name]} ${entry.desc ?? ''}`.trim(), ms: entry.dur }]
    return []
  })
  if ((check === 'jwks' || check === 'jwks+denylist') && !hops.some((hop) => hop.kind === 'jwks')) hops.unshift({ kind: 'jwks-cached', label: 'JWKS already here: no call', ms: null })
  return hops
}

const ms = (value: number | null) => (value === null ? '' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`)
const totalOf = (call: ApiCall) => call.serverTiming.find((entry) => entry.name === 'total')?.dur ?? null

/** browser → origin → service → its hops, with durations. */
function Path({ service, call, hops }: { service: string; call: ApiCall; hops: Hop[] }) {
  return (
    <ol className="hop-path" aria-label={`${service}: the path of the request`} data-testid={`path-${service}`}>
      <li>
        <span className="hop-node">browser</span>
      </li>
      <li>
        <span className="hop-node">origin</span>
      </li>
      <li>
        <span className="hop-node hop-service">
          {service} <span className="muted">{ms(totalOf(call))}</span>
        </span>
      </li>
      {hops.map((hop, index) => (
        <li key={index} data-testid={`hop-${hop.kind}`}>
          <span className={`hop-node hop-${hop.kind}`}>
            {hop.label} {hop.ms !== null && <span className="muted">{ms(hop.ms)}</span>}
          </span>
        </li>
      ))}
    </ol>
  )
}

function Answer({ call, testid }: { call: ApiCall; testid: string }) {
  return (
    <span data-testid={testid} data-status={call.status} data-code={call.errorCode ?? ''}>
      <OutcomeChip outcome={ownerOutcome(call)}>{call.status === 0 ? 'no answer' : call.status}</OutcomeChip>{' '}
      {call.errorCode && <span className="services-error">{call.errorCode}: {call.message}</span>}
    </span>
  )
}

/**
 * alice logs in once per strategy (at the API), then this browser asks the API's /me and the orders
 * service's /orders/:strategy with the same credential, and draws where each request went.
 */
export function ServicesView() {
  const [rows, setRows] = useState<Row[]>([])
  const [busy, setBusy] = useState(false)

  async function run() {
    setBusy(true)
    try {
      const alice = DEMO_USERS.alice
      const next: Row[] = []
      for (const strategy of ORDERS_STRATEGIES) {
        const login = await apiFetch<LoginResponse>(`/api/${strategy}/login`, { method: 'POST', json: alice })
        const token = login.body?.accessToken ?? null
        const api = login.ok ? await apiFetch(`/api/${strategy}/me`, { token }) : null
        const orders = login.ok ? await ordersFetch<OrdersResponse>(`/orders/${strategy}`, { token }) : null
        next.push({ strategy, login, api, orders })
        setRows([...next])
      }
    } finally {
      setBusy(false)
    }
  }

  /** The same credentials again: the JWKS is cached by now. */
  async function again() {
    setBusy(true)
    try {
      const next: Row[] = []
      for (const row of rows) {
        const token = row.login.body?.accessToken ?? null
        next.push({ ...row, api: await apiFetch(`/api/${row.strategy}/me`, { token }), orders: await ordersFetch<OrdersResponse>(`/orders/${row.strategy}`, { token }) })
      }
      setRows(next)
    } finally {
      setBusy(false)
    }
  }

  return (
    <>
      <div className="pane-controls">
        <div className="actions">
          <button type="button" className="big" onClick={run} disabled={busy} data-testid="services-run">
            Log in as alice, then ask both services
          </button>
          <button type="button" className="quiet" onClick={again} disabled={busy || rows.length === 0} data-testid="services-again">
            Ask both again
          </button>
        </div>
        <OutcomeLegend show={['neutral', 'lost', 'unavailable']} />
      </div>
      <div className="table-scroll">
        <table className="totals services" data-testid="services-table">
          <thead>
            <tr>
              <th scope="col">strategy</th>
              <th scope="col">the API: GET /api/:strategy/me</th>
              <th scope="col">the orders service: GET /orders/:strategy</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const check = row.orders?.body?.check ?? null
              const ordersHops = row.orders ? hopsOf(row.orders.serverTiming, check) : []
              return (
                <tr
                  key={row.strategy}
                  data-testid={`services-${row.strategy}`}
                  data-check={check ?? ''}
                  data-api-calls={ordersHops.filter((hop) => hop.kind === 'api').length}
                  data-jwks={ordersHops.find((hop) => hop.kind === 'jwks') ? 'fetched' : ordersHops.find((hop) => hop.kind === 'jwks-cached') ? 'cached' : ''}
                >
                  <th scope="row">
                    {row.strategy}
                    {!row.login.ok && (
                      <div>
                        login <Answer call={row.login} testid="login-answer" />
                      </div>
                    )}
                  </th>
                  <td data-label="the API">
                    {row.api && (
                      <div className="services-cell">
                        <Answer call={row.api} testid="api-answer" />
                        <Path service="API" call={row.api} hops={hopsOf(row.api.serverTiming, null)} />
                      </div>
                    )}
                  </td>
                  <td data-label="the orders service">
                    {row.orders && (
                      <div className="services-cell">
                        <Answer call={row.orders} testid="orders-answer" />
                        {row.orders.body && (
                          <span className="muted">
                            {row.orders.body.orders.length} orders, checked by {check}
                          </span>
                        )}
                        <Path service="orders" call={row.orders} hops={ordersHops} />
                      </div>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {rows.some((row) => row.strategy === 'jwt-cookie' && row.orders?.status === 401) && (
        <p className="muted" data-testid="services-jwt-cookie-note">
          jwt-cookie: the API sets cookie <code>at</code> with <code>Path=/api/jwt-cookie</code>, so the browser never sends it to{' '}
          <code>/orders</code>. A path-scoped cookie does not travel to a second service; it would need its own path under the
          cookie&apos;s, a wider path, or a bearer header.
        </p>
      )}
    </>
  )
}
