'use client'
import type { CSSProperties } from 'react'
import type { ApiCall } from '@/lib/api'
import { explainCommand } from '@/lib/commands'
import { formatMs, type Measured } from '@/lib/round-trips'

interface Bar {
  name: string
  what: string
  /** where the bar starts; auth's start is not reported, so it is drawn from 0 as devtools draws Server-Timing */
  startMs: number
  durationMs: number
  className: string
}

/**
 * Where each store round trip sits within the server's time, left to right. Server-Timing reports
 * durations only: without the live record's start offsets they are drawn one after another.
 */
function placed(measured: Measured): Array<{ startMs: number; durationMs: number; store: 'redis' | 'pg'; ok: boolean }> {
  let next = 0
  return measured.marks.map((mark) => {
    const startMs = mark.startMs ?? next
    next = startMs + mark.durationMs
    return { startMs, durationMs: mark.durationMs, store: mark.store, ok: mark.ok }
  })
}

const span = (startMs: number, durationMs: number, scaleMs: number): CSSProperties => ({
  left: `${Math.min(100, (startMs / scaleMs) * 100)}%`,
  width: `${Math.max(1, Math.min(100 - (startMs / scaleMs) * 100, (durationMs / scaleMs) * 100))}%`,
})

/** The request's store round trips on the scale of the server's total, as devtools draws a waterfall column. */
export function WaterfallTrack({ measured }: { measured: Measured }) {
  const bars = placed(measured)
  if (bars.length === 0) return null
  const scaleMs = Math.max(measured.serverMs ?? 0, ...bars.map((bar) => bar.startMs + bar.durationMs), 0.01)
  return (
    <div className="track" aria-hidden title={`the server's ${formatMs(scaleMs)} ms, left to right`}>
      {bars.map((bar, index) => (
        <span key={index} className={`track-mark mark-${bar.store}`} style={span(bar.startMs, bar.durationMs, scaleMs)} />
      ))}
    </div>
  )
}

/**
 * Devtools' Timing tab for one request: the latency this browser measured, the server's share of it
 * (Server-Timing `total`), then the server's time zoomed in: `auth` and each store round trip, explained.
 */
export function Waterfall({ id, call, measured }: { id: string; call: ApiCall; measured: Measured }) {
  const serverMs = measured.serverMs
  const trips = placed(measured)
  const zoomMs = Math.max(serverMs ?? 0, ...trips.map((bar) => bar.startMs + bar.durationMs), 0.01)
  const zoomed: Bar[] = [
    ...(measured.authMs === null
      ? []
      : [{ name: 'auth', what: 'checking the credential (the password at login), its store round trips included', startMs: 0, durationMs: measured.authMs, className: 'bar-auth' }]),
    ...trips.map((bar, index) => {
      const command = measured.marks[index]?.command ?? ''
      return {
        name: `${bar.store === 'pg' ? 'Postgres' : 'Redis'} ${command}`,
        what: explainCommand(bar.store, command, call.path),
        startMs: bar.startMs,
        durationMs: bar.durationMs,
        className: `bar-${bar.store}${bar.ok ? '' : ' bar-failed'}`,
      }
    }),
  ]
  const startsKnown = measured.marks.every((mark) => mark.startMs !== null)
  return (
    <div className="waterfall" id={id} data-testid="waterfall">
      <table>
        <caption className="sr-only">Timing of {call.path}</caption>
        <thead>
          <tr>
            <th scope="col">what</th>
            <th scope="col" className="waterfall-axis">
              <span>0</span>
              <span>{formatMs(call.latencyMs)} ms</span>
            </th>
            <th scope="col">ms</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">
              browser <span className="muted">this page → web origin → API → back, measured here</span>
            </th>
            <td className="waterfall-lane">
              <span className="bar bar-browser" style={span(0, call.latencyMs, call.latencyMs)} />
            </td>
            <td>{formatMs(call.latencyMs)}</td>
          </tr>
          {serverMs !== null && (
            <tr>
              <th scope="row">
                server total <span className="muted">the API&apos;s own time (Server-Timing); the rest is the network and the proxy</span>
              </th>
              <td className="waterfall-lane">
                <span className="bar bar-total" style={span(0, serverMs, Math.max(call.latencyMs, serverMs))} />
              </td>
              <td>{formatMs(serverMs)}</td>
            </tr>
          )}
          {zoomed.length > 0 && (
            <tr className="waterfall-zoom">
              <th scope="row" colSpan={3}>
                the server&apos;s {formatMs(zoomMs)} ms, zoomed
                {!startsKnown && <span className="muted"> (Server-Timing gives no start times: round trips drawn one after another)</span>}
              </th>
            </tr>
          )}
          {zoomed.map((bar, index) => (
            <tr key={index} data-testid="waterfall-entry">
              <th scope="row">
                <code>{bar.name}</code> <span className="muted">{bar.what}</span>
              </th>
              <td className="waterfall-lane">
                <span className={`bar ${bar.className}`} style={span(bar.startMs, bar.durationMs, zoomMs)} />
              </td>
              <td>{formatMs(bar.durationMs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
