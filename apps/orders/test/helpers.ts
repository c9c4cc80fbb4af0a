// A real API process (the built apps/api/dist/server.js) on the shared Redis and Postgres, and the
// orders service in this process in front of it: the tests reach both over real sockets.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { freePort } from '@lab/api/local-stores'
import { parseServerTiming, type ServerTimingEntry } from '@lab/contracts'
import { buildOrders } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const API_SERVER = fileURLToPath(new URL('../server.js', import.meta.resolve('@lab/api/local-stores')))

export interface Api {
  url: string
  process: ChildProcess
  sessionSecret: string
  stop(): Promise<void>
}

/** The built API in the demo profile (alice and admin seeded), EdDSA unless told otherwise. */
export async function startApi(env: Record<string, string> = {}): Promise<Api> {
  const port = await freePort()
  const sessionSecret = randomBytes(32).toString('base64url')
  let output = ''
  const child = spawn(process.execPath, [API_SERVER], {
    env: { ...process.env, LAB_PROFILE: 'demo', LOG_LEVEL: 'warn', JWT_ALGORITHM: 'EdDSA', SESSION_SECRET: sessionSecret, REDIS_URL, DATABASE_URL, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGCONT')
    child.kill('SIGKILL')
    await exited
  }
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`the API exited at start:\n${output}`)
    const status = await fetch(`${url}/api/health`).then((response) => response.status, () => 0)
    if (status === 200) break
    if (attempt > 240) {
      await stop()
      throw new Error(`the API did not become healthy:\n${output}`)
    }
    await sleep(250)
  }
  return { url, process: child, sessionSecret, stop }
}

/** The orders service on a free port, configured as its environment would. */
export async function startOrders(env: Record<string, string>) {
  const config = loadConfig({ REDIS_URL, LOG_LEVEL: 'silent', ...env, ORDERS_PORT: '0' })
  const fastify = await buildOrders(config)
  await fastify.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`
  return { url, close: () => fastify.close() }
}

export interface Login {
  /** `name=value` of every cookie the login set */
  cookies: string[]
  accessToken: string | undefined
}

/** Logs in from `localAddress` (any of 127.0.0.0/8: another client, with its own rate limits); `headers` such as a proxy's X-Forwarded-Proto. */
export function logIn(apiUrl: string, strategy: string, username = 'alice', localAddress = '127.0.0.1', headers: Record<string, string> = {}): Promise<Login> {
  const body = JSON.stringify({ username, password: `${username}-password` })
  return new Promise((resolve, reject) => {
    const req = request(`${apiUrl}/api/${strategy}/login`, { method: 'POST', localAddress, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => (text += chunk))
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new Error(`login ${strategy}: ${response.statusCode} ${text}`))
        const cookies = (response.headers['set-cookie'] ?? []).map((line) => line.split(';')[0] as string)
        resolve({ cookies, accessToken: (JSON.parse(text) as { accessToken?: string }).accessToken })
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

export interface Answer {
  status: number
  body: Record<string, unknown>
  timing: ServerTimingEntry[]
  ms: number
}

export async function getOrders(ordersUrl: string, strategy: string, headers: Record<string, string> = {}): Promise<Answer> {
  const start = performance.now()
  const response = await fetch(`${ordersUrl}/orders/${strategy}`, { headers })
  const body = (await response.json()) as Record<string, unknown>
  return { status: response.status, body, timing: parseServerTiming(response.headers.get('server-timing')), ms: performance.now() - start }
}

/** The Server-Timing entries of one kind. */
export const hops = (answer: Answer, name: string) => answer.timing.filter((entry) => entry.name === name)

/** The credential of a login for the orders service, as a browser (or a bearer client) sends it. */
export function credentialOf(strategy: string, login: Login): Record<string, string> {
  if (login.accessToken !== undefined) return { authorization: `Bearer ${login.accessToken}` }
  return { cookie: login.cookies.join('; ') }
}
