import autocannon from 'autocannon'
import type { ApiProcess } from './api-process.ts'

export interface LoadOptions {
  path: string
  method?: 'GET' | 'POST'
  /** one set of headers per credential; requests rotate through them so no single key is hot */
  headers: ReadonlyArray<Record<string, string>>
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
  /** server CPU (user + system) per request, microseconds */
  cpuMicrosPerRequest: number
  non2xx: number
  errors: number
  timeouts: number
}

/** Raised when any response was not 2xx, or failed, or timed out: a fast 401 would flatter a strategy. */
export class FailedRequestsError extends Error {
  override name = 'FailedRequestsError'
}

/** Drives one route of the API under test with autocannon (HTTP/1.1, no pipelining) and measures its CPU. */
export async function load(api: ApiProcess, options: LoadOptions): Promise<LoadResult> {
  let next = 0
  const count = options.headers.length
  const cpuBefore = api.cpuMicros()
  const result = await autocannon({
    url: api.baseUrl,
    connections: options.connections,
    pipelining: 1,
    duration: options.duration,
    timeout: 10,
    requests: [
      {
        method: options.method ?? 'GET',
        path: options.path,
        setupRequest: (request) => {
          const i = next++ % count
          const headers = options.headers[i] as Record<string, string>
          const body = options.bodies?.[i]
          return body === undefined ? { ...request, headers } : { ...request, headers, body }
        },
      },
    ],
  })
  const cpu = api.cpuMicros() - cpuBefore
  const requests = result.requests.total
  // The measured interval, not the requested whole seconds.
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000
  return {
    requests,
    rps: requests / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMicrosPerRequest: requests > 0 ? cpu / requests : 0,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }
}

/** Throws FailedRequestsError unless every response of the run was 2xx. */
export function assertAllOk(what: string, result: LoadResult): void {
  if (result.non2xx + result.errors + result.timeouts > 0) {
    throw new FailedRequestsError(
      `${what}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts out of ${result.requests}`,
    )
  }
}
