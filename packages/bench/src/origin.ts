// The last step of a run: what the web origin (apps/web/server: the lab's reverse proxy in front of the
// API, which every browser goes through) adds to a call, the same route through it and directly.
import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '@lab/api/local-stores'
import { FailedRequestsError } from './load.ts'
import type { Latency, OriginOptions, OriginReport } from '@lab/bench-report'

/** Issue 14: the web origin adds at most this to a sequential call at p50. */
export const ORIGIN_MAX_ADDED_P50_MS = 0.5

const WARMUP_REQUESTS = 20

/** One GET on a kept-alive connection, timed from the request to the last byte of the answer, in ms. */
function timedGet(url: URL, agent: Agent, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = request(url, { agent, headers }, (response) => {
      response.resume()
      response.on('end', () => {
        const status = response.statusCode ?? 0
        if (status < 200 || status > 299) reject(new FailedRequestsError(`GET ${url.href} answered ${status}`))
        else resolve(performance.now() - started)
      })
      response.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** A client of `connections` kept-alive connections to one base URL, each sending one request after another. */
class Client {
  readonly #url: URL
  readonly #agent: Agent
  readonly #connections: number
  readonly #headers: Record<string, string>

  constructor(base: string, path: string, headers: Record<string, string>, connections: number) {
    this.#url = new URL(path, base)
    this.#connections = connections
    this.#headers = headers
    this.#agent = new Agent({ keepAlive: true, maxSockets: connections })
  }

  /** Latencies of `count` requests, spread over the connections. */
  async requests(count: number): Promise<number[]> {
    const latencies: number[] = []
    let sent = 0
    const worker = async () => {
      while (sent < count) {
        sent++
        latencies.push(await timedGet(this.#url, this.#agent, this.#headers))
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.#connections, count) }, worker))
    return latencies
  }

  /** Latencies of every request for `seconds`, all connections busy, and the requests per second. */
  async during(seconds: number): Promise<{ latencies: number[]; rps: number }> {
    const latencies: number[] = []
    const started = performance.now()
    const end = started + seconds * 1000
    const worker = async () => {
      while (performance.now() < end) latencies.push(await timedGet(this.#url, this.#agent, this.#headers))
    }
    await Promise.all(Array.from({ length: this.#connections }, worker))
    return { latencies, rps: latencies.length / ((performance.now() - started) / 1000) }
  }

  close(): void {
    this.#agent.destroy()
  }
}

/** Milliseconds to the microsecond. */
const round = (ms: number) => Math.round(ms * 1000) / 1000
const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length
const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number

function latencyOf(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), meanMs: round(mean(sorted)) }
}

/**
 * The built web origin (`@lab/web/origin-server`, as `pnpm demo` runs it) on a free port in front of
 * `apiUrl`, in the production profile; resolves once its /api/health answers through it.
 */
export async function startOrigin(apiUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort()
  const server = fileURLToPath(import.meta.resolve('@lab/web/origin-server'))
  const child = spawn(process.execPath, [server], {
    env: { ...process.env, WEB_HOST: '127.0.0.1', WEB_PORT: String(port), API_URL: apiUrl, LAB_PROFILE: 'production', NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error('the web origin exited at start: is apps/web built (pnpm build)?')
    if ((await fetch(`${url}/api/health`).then((response) => response.status, () => 0)) === 200) return { url, stop }
    if (attempt > 240) {
      await stop()
      throw new Error('the web origin did not answer within a minute')
    }
    await sleep(250)
  }
}

export interface MeasureOriginOptions extends OriginOptions {
  /** the web origin and the API behind it */
  origin: string
  api: string
  /** the route requested both ways, and the headers that make it answer 200 */
  path: string
  headers: Record<string, string>
  /** concurrent connections and seconds per measurement under load */
  connections: number
  duration: number
  /** a quick run is a smoke check: the target is not judged */
  quick: boolean
  signal?: AbortSignal
}

/**
 * The same route through the origin and directly: first sequentially (one connection, the two
 * alternating request by request, so both see the same moments of a noisy machine), then under load
 * (`connections` at once, direct–origin–origin–direct). Any non-2xx answer fails the step.
 */
export async function measureOrigin(options: MeasureOriginOptions): Promise<OriginReport> {
  const client = (base: string, connections: number) => new Client(base, options.path, options.headers, connections)
  const direct = client(options.api, 1)
  const origin = client(options.origin, 1)
  const directLoad = client(options.api, options.connections)
  const originLoad = client(options.origin, options.connections)
  try {
    await direct.requests(WARMUP_REQUESTS)
    await origin.requests(WARMUP_REQUESTS)
    const sequential = { direct: [] as number[], origin: [] as number[] }
    for (let i = 0; i < options.requests; i++) {
      if (i % 100 === 0) options.signal?.throwIfAborted()
      sequential.direct.push(...(await direct.requests(1)))
      sequential.origin.push(...(await origin.requests(1)))
    }

    const loaded = { direct: { latencies: [] as number[], rps: [] as number[] }, origin: { latencies: [] as number[], rps: [] as number[] } }
    for (const [name, client] of [['direct', directLoad], ['origin', originLoad], ['origin', originLoad], ['direct', directLoad]] as const) {
      options.signal?.throwIfAborted()
      const { latencies, rps } = await client.during(options.duration)
      loaded[name].latencies.push(...latencies)
      loaded[name].rps.push(rps)
    }

    const seq = { direct: latencyOf(sequential.direct), origin: latencyOf(sequential.origin) }
    const underLoad = {
      direct: { ...latencyOf(loaded.direct.latencies), requests: loaded.direct.latencies.length, rps: mean(loaded.direct.rps) },
      origin: { ...latencyOf(loaded.origin.latencies), requests: loaded.origin.latencies.length, rps: mean(loaded.origin.rps) },
    }
    const addedP50Ms = round(seq.origin.p50Ms - seq.direct.p50Ms)
    return {
      origin: options.origin,
      api: options.api,
      path: options.path,
      sequential: { requests: options.requests, ...seq, addedP50Ms, addedP99Ms: round(seq.origin.p99Ms - seq.direct.p99Ms) },
      underLoad: {
        connections: options.connections,
        duration: options.duration,
        ...underLoad,
        addedP50Ms: round(underLoad.origin.p50Ms - underLoad.direct.p50Ms),
        addedP99Ms: round(underLoad.origin.p99Ms - underLoad.direct.p99Ms),
      },
      target: {
        maxAddedP50Ms: ORIGIN_MAX_ADDED_P50_MS,
        verdict: options.quick ? 'not judged' : addedP50Ms <= ORIGIN_MAX_ADDED_P50_MS ? 'reached' : 'missed',
      },
    }
  } finally {
    for (const client of [direct, origin, directLoad, originLoad]) client.close()
  }
}
