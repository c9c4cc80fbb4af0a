import autocannon from 'autocannon'
import { headersOf, type Credential } from './credentials.ts'

export interface LoadOptions {
  path: string
  method?: 'GET' | 'POST'
  /** one credential per client; requests rotate through them so no single key is hot */
  headers: readonly Credential[]
  /** one body per credential (logins), rotated with the headers */
  bodies?: readonly string[]
  connections: number
  /** seconds */
  duration: number
}

export interface LoadResult {
  requests: number
  /** responses per second over the measured interval */
  rps: number
  /** milliseconds */
  p50: number
  p99: number
  non2xx: number
  errors: number
  timeouts: number
}

/** Raised when any response was not 2xx, or failed, or timed out: a fast 401 would flatter a strategy. */
export class FailedRequestsError extends Error {
  override name = 'FailedRequestsError'
}

/** Drives one route of a server with autocannon (HTTP/1.1, no pipelining). */
export async function load(baseUrl: string, options: LoadOptions): Promise<LoadResult> {
  let next = 0
  const count = options.headers.length
  const method = options.method ?? 'GET'
  const url = new URL(options.path, baseUrl).href
  const result = await autocannon({
    url: baseUrl,
    connections: options.connections,
    pipelining: 1,
    duration: options.duration,
    // autocannon ends a run at its first sample after the duration: sampling every 100 ms keeps a
    // run within 0.1 s of its duration (every second, a 0.5 s run lasted 1 s, and a 2 s one 2 or 3).
    sampleInt: 100,
    timeout: 10,
    requests: [
      {
        method,
        path: options.path,
        setupRequest: (request) => {
          const i = next++ % count
          const headers = headersOf(options.headers[i] as Credential, method, url)
          const body = options.bodies?.[i]
          return body === undefined ? { ...request, headers } : { ...request, headers, body }
        },
      },
    ],
  })
  const requests = result.requests.total
  // The measured interval, not the requested whole seconds.
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000
  return {
    requests,
    rps: requests / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }
}

export interface MeasuredLoad extends LoadResult {
  /** the server process's CPU time (all its threads) per request, microseconds */
  cpuMicrosPerRequest: number
}

/** `load`, plus the CPU the server's process spent on it. */
export async function measure(server: { baseUrl: string; cpuMicros(): number }, options: LoadOptions): Promise<MeasuredLoad> {
  const before = server.cpuMicros()
  const result = await load(server.baseUrl, options)
  const cpu = server.cpuMicros() - before
  return { ...result, cpuMicrosPerRequest: result.requests > 0 ? cpu / result.requests : 0 }
}

/** Throws FailedRequestsError unless every response of the run was 2xx. */
export function assertAllOk(what: string, result: LoadResult): void {
  if (result.non2xx + result.errors + result.timeouts > 0) {
    throw new FailedRequestsError(
      `${what}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts out of ${result.requests}`,
    )
  }
}
