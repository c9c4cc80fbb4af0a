// A whole lab as `pnpm demo` starts it (scripts/demo.ts: the built API and the web origin), for the
// tests that reach it the way its users do: through the web origin, over real sockets.
import { spawn, execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { freePort, startRedisServer } from '@lab/api/local-stores'
import { createDpopKey, isDpopPath, signDpopProof } from '@lab/web/dpop'

const DEMO = fileURLToPath(new URL('../../scripts/demo.ts', import.meta.url))

export interface Lab {
  /** the web origin: what a browser opens */
  webUrl: string
  /** the API behind it, for the checks a user cannot make */
  apiUrl: string
  /** the orders service behind it (apps/orders) */
  ordersUrl: string
  /** resident memory of the API process, in MiB */
  apiRssMiB(): number
  /** whether the API process is still the one that started (never exited, never restarted) */
  apiAlive(): boolean
  /**
   * stops the API, the orders service or the launcher (which runs the embedded Postgres) where it
   * stands (SIGSTOP), as a hung process; the function returned resumes it
   */
  freeze(service: 'api' | 'orders' | 'launcher'): Promise<() => void>
  /** everything the lab printed */
  output(): string
  stop(): Promise<void>
}

/** The process listening on a local TCP port, from `ss`. */
async function listenerPid(port: number): Promise<number> {
  const { stdout } = await promisify(execFile)('ss', ['-ltnpH', `sport = :${port}`])
  const pid = /pid=(\d+)/.exec(stdout)?.[1]
  if (!pid) throw new Error(`nothing listens on port ${port}`)
  return Number(pid)
}

/**
 * Starts the lab in the demo profile with `env` on top of the caller's environment minus its stores:
 * without DATABASE_URL in `env`, the embedded Postgres, as on a user's machine; without REDIS_URL, a
 * Redis of its own, stopped with the lab, so no other test's traffic counts against its rate limits.
 */
export async function startLab(env: Record<string, string> = {}): Promise<Lab> {
  const ownRedis = env.REDIS_URL === undefined ? await startRedisServer() : undefined
  const [apiPort, ordersPort, webPort] = [await freePort(), await freePort(), await freePort()]
  const inherited = { ...process.env }
  delete inherited.DATABASE_URL
  delete inherited.REDIS_URL
  let output = ''
  const child = spawn(process.execPath, [DEMO], {
    env: { ...inherited, LAB_PROFILE: 'demo', LOG_LEVEL: 'warn', ...(ownRedis ? { REDIS_URL: ownRedis.url } : {}), ...env, PORT: String(apiPort), ORDERS_PORT: String(ordersPort), WEB_PORT: String(webPort) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const webUrl = `http://127.0.0.1:${webPort}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
    await ownRedis?.stop()
  }
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      await ownRedis?.stop()
      throw new Error(`the lab exited at start:\n${output}`)
    }
    const status = await fetch(`${webUrl}/api/health`).then((response) => response.status, () => 0)
    if (status === 200) break
    if (attempt > 400) {
      await stop()
      throw new Error(`the lab did not become healthy:\n${output}`)
    }
    await sleep(250)
  }
  const apiPid = await listenerPid(apiPort)
  return {
    webUrl,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    ordersUrl: `http://127.0.0.1:${ordersPort}`,
    apiRssMiB: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${apiPid}/status`, 'utf8'))?.[1]) / 1024,
    apiAlive: () => {
      try {
        process.kill(apiPid, 0)
        return true
      } catch {
        return false
      }
    },
    freeze: async (service) => {
      const pid = service === 'api' ? apiPid : service === 'launcher' ? (child.pid as number) : await listenerPid(ordersPort)
      process.kill(pid, 'SIGSTOP')
      return () => process.kill(pid, 'SIGCONT')
    },
    output: () => output,
    stop,
  }
}

export interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  ms: number
}

/**
 * One HTTP request from a given local address (the whole 127.0.0.0/8 is loopback on Linux: each
 * address is another client to the web origin), with no connection reuse, as a fresh browser.
 */
export function send(
  url: string,
  { method = 'GET', headers = {}, body, from = '127.0.0.1', timeoutMs = 15_000 }: { method?: string; headers?: Record<string, string>; body?: string; from?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, connection: 'close' }, localAddress: from, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms: ${method} ${url}`)))
    req.on('error', reject)
    req.end(body)
  })
}

/** A browser's cookie jar, bearer or DPoP token and DPoP key for one origin: enough of one to use the lab as people do. */
export class Browser {
  readonly cookies = new Map<string, string>()
  accessToken: string | undefined
  /** its DPoP key (WebCrypto, non-extractable), made at its first jwt-dpop request, as the lab's pages do */
  dpopKey: CryptoKeyPair | undefined
  readonly webUrl: string
  /** the local address it connects from: another address is another client */
  readonly from: string
  readonly userAgent: string

  constructor(webUrl: string, from = '127.0.0.1', userAgent = 'lab-test-browser') {
    this.webUrl = webUrl
    this.from = from
    this.userAgent = userAgent
  }

  /** A same-origin request as the lab's pages make it (fetch from the page: Origin and Sec-Fetch-Site). */
  async call(method: string, path: string, json?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, 'sec-fetch-site': 'same-origin', origin: this.webUrl }
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    if (isDpopPath(path)) {
      // Signed for the URL this browser uses, the web origin's: the API must see the same through its proxy.
      this.dpopKey ??= await createDpopKey()
      headers.dpop = await signDpopProof(this.dpopKey, method, `${this.webUrl}${path}`, this.accessToken)
      if (this.accessToken) headers.authorization = `DPoP ${this.accessToken}`
    } else if (this.accessToken) headers.authorization = `Bearer ${this.accessToken}`
    if (json !== undefined) headers['content-type'] = 'application/json'
    const answer = await send(`${this.webUrl}${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), from: this.from })
    for (const line of ([] as string[]).concat(answer.headers['set-cookie'] ?? [])) {
      const [pair = '', ...attributes] = line.split(';')
      const name = pair.slice(0, pair.indexOf('='))
      const value = pair.slice(pair.indexOf('=') + 1)
      const gone = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a))
      if (gone) this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    if (answer.status === 200 && answer.headers['content-type']?.toString().includes('json')) {
      const token = (JSON.parse(answer.body) as { accessToken?: unknown }).accessToken
      if (typeof token === 'string') this.accessToken = token
    }
    return answer
  }
}
