import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import { formatServerTiming } from '@lab/contracts'

/** What one request measured: each hop (`jwks`, `api`, `redis`, `pg`) with its duration, and the time spent authenticating. */
export interface Trace {
  start: number
  hops: Array<{ name: 'jwks' | 'api' | 'redis' | 'pg'; desc: string; durationMs: number }>
  authMs: number | null
}

const traces = new AsyncLocalStorage<Trace>()

export const newTrace = (): Trace => ({ start: performance.now(), hops: [], authMs: null })

/** Runs `check` as the request's authentication, timed as `auth`; hops made meanwhile are recorded on `trace`. */
export async function timeAuth<T>(trace: Trace, check: () => Promise<T>): Promise<T> {
  const start = performance.now()
  try {
    return await traces.run(trace, check)
  } finally {
    trace.authMs = (trace.authMs ?? 0) + performance.now() - start
  }
}

/** One hop to another process, recorded on the request that caused it (if any), whether it succeeded or not. */
export async function hop<T>(name: Trace['hops'][number]['name'], desc: string | ((result: T | undefined) => string), send: () => Promise<T>): Promise<T> {
  const trace = traces.getStore()
  const start = performance.now()
  let result: T | undefined
  try {
    result = await send()
    return result
  } finally {
    trace?.hops.push({ name, desc: typeof desc === 'string' ? desc : desc(result), durationMs: performance.now() - start })
  }
}

/** The Server-Timing header: one entry per hop, then `auth` and `total`, as the API's. */
export function serverTiming(trace: Trace): string {
  const entries = trace.hops.map((each) => formatServerTiming(each.name, each.durationMs, each.desc))
  if (trace.authMs !== null) entries.push(formatServerTiming('auth', trace.authMs))
  entries.push(formatServerTiming('total', performance.now() - trace.start))
  return entries.join(', ')
}
