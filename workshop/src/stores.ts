import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { freePort } from '@lab/api/local-stores'
import { SetupError } from './exercise.ts'

/** The same servers `pnpm test` uses; set DATABASE_URL / REDIS_URL to point elsewhere. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export const API_SERVER = fileURLToPath(new URL('../../apps/api/dist/server.js', import.meta.url))

/** The lab's real API, built, running in the demo profile as a child process. */
export interface LabApi {
  /** e.g. http://127.0.0.1:41234 (routes are under /api) */
  url: string
  stop(): Promise<void>
}

const START_TIMEOUT_MS = 30_000

export async function startLabApi(): Promise<LabApi> {
  if (!existsSync(API_SERVER)) {
    throw new SetupError('the API is not built: run `pnpm workshop check` from the repository root, which builds it')
  }
  const port = await freePort()
  const child = spawn(process.execPath, [API_SERVER], {
    env: {
      ...process.env,
      LAB_PROFILE: 'demo',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL,
      REDIS_URL,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }

  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    const health = await fetch(`${url}/api/health`).catch(() => null)
    if (health?.ok) return { url, stop }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  await stop()
  throw new SetupError(`the lab's API did not start (is Postgres at ${DATABASE_URL} and Redis at ${REDIS_URL} running?)\n${output.trim()}`)
}
