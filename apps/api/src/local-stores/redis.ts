import { spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { freePort } from './free-port.ts'
import type { LocalStore } from './index.ts'

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379'

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 500, maxRetriesPerRequest: 0 })
  probe.on('error', () => {})
  try {
    await probe.connect()
    return (await probe.ping()) === 'PONG'
  } catch {
    return false
  } finally {
    probe.disconnect()
  }
}

export class RedisNotFoundError extends Error {
  override name = 'RedisNotFoundError'
  constructor() {
    super(
      'No Redis answers on 127.0.0.1:6379 and there is no redis-server on PATH. Either set REDIS_URL, ' +
        'or install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis), ' +
        'which `npm run demo` does itself when run as root on Debian.',
    )
  }
}

/** The Redis on 127.0.0.1:6379 when one answers, else a `redis-server` from PATH on a free port. */
export async function provideRedis(): Promise<LocalStore> {
  if (await answers(DEFAULT_REDIS_URL)) return { url: DEFAULT_REDIS_URL, description: 'Redis on 127.0.0.1:6379', stop: async () => {} }
  return startRedisServer()
}

/** A `redis-server` from PATH on the given port (a free one by default), without persistence. */
export async function startRedisServer(port?: number): Promise<LocalStore> {
  port ??= await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  })
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', reject)
  })
  try {
    await spawned
  } catch {
    throw new RedisNotFoundError()
  }
  const url = `redis://127.0.0.1:${port}`
  for (let attempt = 0; !(await answers(url)); attempt++) {
    if (attempt > 100 || child.exitCode !== null) throw new Error(`redis-server did not start on port ${port}`)
    await sleep(50)
  }
  return {
    url,
    description: `redis-server started on port ${port}`,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
