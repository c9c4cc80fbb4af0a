import { countRoundTrips, type RequestRecord, type RoundTrip } from '@lab/contracts'
import type { ApiCall } from './api'

/** A request's round trips: from its live record once it arrived, else from its Server-Timing header. */
export interface Measured {
  source: 'record' | 'server-timing'
  redis: number
  pg: number
  /** with start offsets only when they come from the live record */
  marks: Array<Pick<RoundTrip, 'store' | 'command' | 'durationMs'> & { startMs: number | null; ok: boolean }>
  /** the server's `total` and `auth` (null: not reported, e.g. no credential was checked) */
  serverMs: number | null
  authMs: number | null
}

export function measure(call: ApiCall, record: RequestRecord | undefined): Measured {
  if (record) {
    return {
      source: 'record',
      redis: record.roundTrips.filter((rt) => rt.store === 'redis').length,
      pg: record.roundTrips.filter((rt) => rt.store === 'pg').length,
      marks: record.roundTrips,
      serverMs: record.durationMs,
      authMs: record.authMs,
    }
  }
  const counts = countRoundTrips(call.serverTimingHeader)
  const stores = call.serverTiming.filter((entry) => entry.name === 'redis' || entry.name === 'pg')
  return {
    source: 'server-timing',
    ...counts,
    marks: stores.map((entry) => ({
      store: entry.name as RoundTrip['store'],
      command: entry.desc ?? '?',
      durationMs: entry.dur ?? 0,
      startMs: null,
      ok: true,
    })),
    serverMs: call.serverTiming.find((entry) => entry.name === 'total')?.dur ?? null,
    authMs: call.serverTiming.find((entry) => entry.name === 'auth')?.dur ?? null,
  }
}

export const formatMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0))
