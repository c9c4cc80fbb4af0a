// What the web origin adds to a call of the API: the same request sent to the API directly and
// through the origin, sequentially (interleaved, one keep-alive connection each) and under load
// (autocannon, interleaved rounds).
//
//   node apps/web/scripts/origin-latency.ts [--api-url URL --web-url URL] [--calls N] [--rounds N] [--duration S] [--connections C] [--json]
//
// Without URLs it starts the built API (demo profile, the stores in DATABASE_URL / REDIS_URL or the
// machine's) and the built web origin on free ports, and stops them at the end. `pnpm build` first.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { Agent, request } from 'node:http'
import { createServer, type AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

/** Milliseconds. */
export interface Latency {
  p50: number
  p99: number
}

export interface OriginLatencyReport {
  path: string
  sequential: { calls: number; direct: Latency; origin: Latency; added: Latency }
  load: { connections: number; seconds: number; rounds: number; direct: Latency & { rps: number }; origin: Latency & { rps: number }; added: Latency }
}

export interface OriginLatencyOptions {
  apiUrl: string
  webUrl: string
  /** a GET under /api that answers 200 */
  path: string
  headers: Record<string, string>
  calls?: number
  connections?: number
  /** seconds per load round */
  duration?: number
  rounds?: number
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number
const round = (ms: number) => Math.round(ms * 1000) / 1000
const median = (values: readonly number[]) => quantile([...values].sort((a, b) => a - b), 0.5)

function latencyOf(samples: number[]): Latency {
  samples.sort((a, b) => a - b)
  return { p50: round(quantile(samples, 0.5)), p99: round(quantile(samples, 0.99)) }
}

/** One GET over a keep-alive connection; resolves with its duration in ms once the whole body is in. */
function timedGet(base: URL, path: string, headers: Record<string, string>, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now()
    const req = request({ host: base.hostname, port: base.port, path, headers, agent }, (res) => {
      res.resume()
      res.once('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${base.origin}${path} answered ${res.statusCode}`))
        else resolve(performance.now() - start)
      })
    })
    req.once('error', reject)
    req.end()
  })
}

async function loadRound(url: string, options: Required<Pick<OriginLatencyOptions, 'path' | 'headers' | 'connections' | 'duration'>>) {
  const result = await autocannon({ url, connections: options.connections, duration: options.duration, requests: [{ method: 'GET', path: options.path, headers: options.headers }] })
  const failed = result.non2xx + result.errors + result.timeouts
  if (failed > 0) throw new Error(`${url}${options.path} under load: ${failed} responses were not 2xx`)
  return { rps: result.requests.total / options.duration, p50: result.latency.p50, p99: result.latency.p99 }
}

/** Measures the origin against the API it fronts: sequential calls interleaved, then interleaved load rounds. */
export async function measureOriginLatency(options: OriginLatencyOptions): Promise<OriginLatencyReport> {
  const { path, headers, calls = 2000, connections = 50, duration = 5, rounds = 3 } = options
  const targets = { direct: new URL(options.apiUrl), origin: new URL(options.webUrl) }
  const agents = { direct: new Agent({ keepAlive: true, maxSockets: 1 }), origin: new Agent({ keepAlive: true, maxSockets: 1 }) }
  const samples: Record<'direct' | 'origin', number[]> = { direct: [], origin: [] }
  const warmUp = Math.min(200, calls)
  for (let i = 0; i < warmUp + calls; i++) {
    // Alternate which goes first, so neither always runs on a freshly woken machine.
    const order = i % 2 === 0 ? (['direct', 'origin'] as const) : (['origin', 'direct'] as const)
    for (const name of order) {
      const ms = await timedGet(targets[name], path, headers, agents[name])
      if (i >= warmUp) samples[name].push(ms)
    }
  }
  agents.direct.destroy()
  agents.origin.destroy()
  const direct = latencyOf(samples.direct)
  const origin = latencyOf(samples.origin)

  const loads: Record<'direct' | 'origin', Array<Latency & { rps: number }>> = { direct: [], origin: [] }
  const loadOptions = { path, headers, connections, duration }
  await loadRound(options.webUrl, { ...loadOptions, duration: 1 })
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['direct', 'origin'] as const) : (['origin', 'direct'] as const)
    for (const name of order) loads[name].push(await loadRound(targets[name].origin, loadOptions))
  }
  const summary = (list: Array<Latency & { rps: number }>) => ({
    rps: Math.round(median(list.map((l) => l.rps))),
    p50: median(list.map((l) => l.p50)),
    p99: median(list.map((l) => l.p99)),
  })
  const loadDirect = summary(loads.direct)
  const loadOrigin = summary(loads.origin)
  return {
    path,
    sequential: { calls, direct, origin, added: { p50: round(origin.p50 - direct.p50), p99: round(origin.p99 - direct.p99) } },
    load: {
      connections,
      seconds: duration,
      rounds,
      direct: loadDirect,
      origin: loadOrigin,
      added: { p50: round(loadOrigin.p50 - loadDirect.p50), p99: round(loadOrigin.p99 - loadDirect.p99) },
    },
  }
}

/** A port nobody listens on, for a server started here. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  return port
}

async function waitFor(url: string, child: ChildProcess) {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode})`)
    const status = await fetch(url).then((response) => response.status, () => 0)
    if (status === 200) return
    await sleep(250)
  }
  throw new Error(`${url} did not answer 200 within a minute`)
}

/** The built API and web origin on free ports, as `pnpm demo` starts them. */
async function startLab() {
  const root = new URL('../../../', import.meta.url)
  const [apiPort, webPort] = [await freePort(), await freePort()]
  const apiUrl = `http://127.0.0.1:${apiPort}`
  const webUrl = `http://127.0.0.1:${webPort}`
  const children: ChildProcess[] = []
  const start = (script: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL(script, root))], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ...env } })
    children.push(child)
    return child
  }
  const stop = async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : null)))
  }
  try {
    const api = start('apps/api/dist/server.js', {
      LAB_PROFILE: 'demo',
      PORT: String(apiPort),
      LOG_LEVEL: 'warn',
      LOGIN_RATE_LIMIT: '100000',
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    })
    await waitFor(`${apiUrl}/api/health`, api)
    const web = start('apps/web/.next/standalone/apps/web/server/main.ts', { WEB_PORT: String(webPort), API_URL: apiUrl, LAB_PROFILE: 'demo' })
    await waitFor(`${webUrl}/api/health`, web)
  } catch (error) {
    await stop()
    throw error
  }
  return { apiUrl, webUrl, stop }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      'api-url': { type: 'string' },
      'web-url': { type: 'string' },
      calls: { type: 'string', default: '2000' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '50' },
      json: { type: 'boolean', default: false },
    },
  })
  const lab = values['api-url'] && values['web-url'] ? { apiUrl: values['api-url'], webUrl: values['web-url'], stop: async () => {} } : await startLab()
  try {
    // A JWT's /me: no store round trip, so what varies between the two paths is the path itself.
    const login = await fetch(`${lab.apiUrl}/api/jwt/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
    })
    if (!login.ok) throw new Error(`login as alice answered ${login.status}: is the API in the demo profile?`)
    const { accessToken } = (await login.json()) as { accessToken: string }
    const report = await measureOriginLatency({
      apiUrl: lab.apiUrl,
      webUrl: lab.webUrl,
      path: '/api/jwt/me',
      headers: { authorization: `Bearer ${accessToken}` },
      calls: Number(values.calls),
      rounds: Number(values.rounds),
      duration: Number(values.duration),
      connections: Number(values.connections),
    })
    if (values.json) console.log(JSON.stringify(report, null, 2))
    else {
      const { sequential: s, load: l } = report
      console.log(`GET ${report.path}, ${s.calls} sequential calls each, interleaved (ms):`)
      console.log(`  direct p50 ${s.direct.p50}  p99 ${s.direct.p99}`)
      console.log(`  origin p50 ${s.origin.p50}  p99 ${s.origin.p99}   added p50 ${s.added.p50}  p99 ${s.added.p99}`)
      console.log(`under load, autocannon c=${l.connections}, ${l.rounds} rounds × ${l.seconds} s each, medians:`)
      console.log(`  direct ${l.direct.rps} req/s  p50 ${l.direct.p50}  p99 ${l.direct.p99}`)
      console.log(`  origin ${l.origin.rps} req/s  p50 ${l.origin.p50}  p99 ${l.origin.p99}   added p50 ${l.added.p50}  p99 ${l.added.p99}`)
    }
  } finally {
    await lab.stop()
  }
}
