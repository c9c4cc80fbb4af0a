// Running totals of a Compare pane, per kind of request: what a logged-in user pays on every request
// stands apart from the rarer login, refresh and logout. Plain TypeScript, run by the web tests.
import type { ApiCall } from './api'
import { requestKind, type RequestKind } from './commands.ts'
import type { Measured } from './round-trips'

export interface Sample {
  kind: RequestKind
  redis: number
  pg: number
  /** the server's `auth` and `total` (Server-Timing); null when not reported */
  authMs: number | null
  serverMs: number | null
  /** measured in the browser */
  latencyMs: number
}

export interface KindTotal {
  count: number
  /** store round trips of all of them */
  trips: number
  authMs: number | null
  serverMs: number | null
  latencyMs: number | null
}

export const KINDS = ['authenticated', 'login', 'refresh', 'logout'] as const satisfies readonly RequestKind[]

/**
 * A request as the totals count it. An authenticated request is one whose credential the server
 * accepted: one that presented none, or whose credential was refused (a thief's replay after logout,
 * a DPoP token from another key), is not what a logged-in user pays.
 */
export function sampleOf(call: ApiCall, measured: Measured): Sample {
  const kind = requestKind(call.path)
  return {
    kind: call.errorCode === 'AUTH_MISSING' || (kind === 'authenticated' && call.status === 401) ? 'other' : kind,
    redis: measured.redis,
    pg: measured.pg,
    authMs: measured.authMs,
    serverMs: measured.serverMs,
    latencyMs: call.latencyMs,
  }
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/** Counts, round trips and median timings of each kind of request. */
export function totalsByKind(samples: readonly Sample[]): Record<(typeof KINDS)[number], KindTotal> {
  const total = (kind: RequestKind): KindTotal => {
    const own = samples.filter((sample) => sample.kind === kind)
    const present = (values: Array<number | null>) => values.filter((value): value is number => value !== null)
    return {
      count: own.length,
      trips: own.reduce((sum, sample) => sum + sample.redis + sample.pg, 0),
      authMs: median(present(own.map((sample) => sample.authMs))),
      serverMs: median(present(own.map((sample) => sample.serverMs))),
      latencyMs: median(own.map((sample) => sample.latencyMs)),
    }
  }
  return { authenticated: total('authenticated'), login: total('login'), refresh: total('refresh'), logout: total('logout') }
}

/** Round trips per request, as a person reads it: `0`, `1`, `0.67`; `–` when there was none. */
export function perRequest({ count, trips }: Pick<KindTotal, 'count' | 'trips'>): string {
  if (count === 0) return '–'
  const value = trips / count
  return Number.isInteger(value) ? String(value) : value.toFixed(2)
}
