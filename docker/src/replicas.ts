import { spawn, type ChildProcess } from 'node:child_process'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { EMBEDDED_POSTGRES_TIMEOUT, freePort, provideStores, type Stores } from '@lab/api/local-stores'

export { provideStores }
import { startNginx, type Replica } from './nginx.ts'

const API_SERVER = fileURLToPath(new URL('../server.js', import.meta.resolve('@lab/api/local-stores')))

/** PGlite's socket server accepts four connections, and each replica keeps one. */
const EMBEDDED_POSTGRES_REPLICAS = 3

export interface ReplicasOptions {
  count: number
  /** where the load balancer listens; 0 picks a free port */
  port: number
  /** every replica's environment: LAB_PROFILE, DATABASE_URL, REDIS_URL, secrets, … */
  env: NodeJS.ProcessEnv
  log?: (line: string) => void
}

export interface ReplicaTopology {
  /** the load balancer, which is where clients (the web lab) send /api */
  url: string
  /** what every replica shares (stores, generated secrets): the orders service gets it too */
  sharedEnv: Record<string, string>
  replicas: Array<Replica & { url: string }>
  /** resolves, saying which, when a replica or nginx stops by itself */
  failed: Promise<string>
  stop(): Promise<void>
}

/**
 * What docker-compose runs, without Docker: `count` built API processes (api-1, api-2, …) on free
 * ports, sharing one Redis, one Postgres and the same secrets, behind nginx on `port`, rendered from
 * the same template as the compose file's nginx. Stores are the configured ones, else local ones.
 */
export async function startReplicas({ count, port, env, log = console.log }: ReplicasOptions): Promise<ReplicaTopology> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`--replicas needs a positive number, not ${count}`)
  const shared = sharedSecrets(env, `the ${count} replicas`, log)
  const stores = await provideStores({ databaseUrl: env.DATABASE_URL || undefined, redisUrl: env.REDIS_URL || undefined })
  const sharedEnv = storesEnv(stores, shared)
  const processes: ChildProcess[] = []
  let stopping = false
  let fail: (reason: string) => void = () => {}
  const failed = new Promise<string>((resolve) => (fail = resolve))
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined

  const stop = async () => {
    stopping = true
    await nginx?.stop()
    await Promise.all(
      processes.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }),
    )
    await stores.stop()
  }

  try {
    if (stores.embeddedPostgres && count > EMBEDDED_POSTGRES_REPLICAS) {
      throw new Error(`the embedded Postgres serves at most ${EMBEDDED_POSTGRES_REPLICAS} replicas; set DATABASE_URL for more`)
    }
    log(`replicas: ${stores.descriptions.join(', ')}`)
    const replicas = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const apiPort = await freePort()
        return { name: `api-${index + 1}`, address: `127.0.0.1:${apiPort}`, url: `http://127.0.0.1:${apiPort}`, port: apiPort }
      }),
    )
    const launch = async (replica: (typeof replicas)[number]) => {
      const child = spawn(process.execPath, [API_SERVER], {
        stdio: 'inherit',
        // Stopped by stop() alone, not also by the terminal's Ctrl-C: one signal, one graceful close.
        detached: true,
        env: {
          ...env,
          ...sharedEnv,
          HOST: '127.0.0.1',
          PORT: String(replica.port),
          REPLICA_NAME: replica.name,
          // The in-memory session of the replicas view; the API accepts it in the demo profile only.
          ...(env.LAB_PROFILE === 'demo' ? { LAB_REPLICAS: 'true' } : {}),
        },
      })
      processes.push(child)
      child.once('exit', (code, signal) => {
        if (!stopping) fail(`${replica.name} stopped (${signal ?? `exit code ${code}`})`)
      })
      await waitForHealth(replica.url, child)
    }
    // The first runs the migrations alone; the others then find nothing to migrate.
    const [first, ...others] = replicas
    if (first) await launch(first)
    await Promise.all(others.map(launch))

    nginx = await startNginx({ port: port || (await freePort()), replicas })
    void nginx.exited.then(() => {
      if (!stopping) fail('nginx stopped')
    })
    log(`replicas: nginx on ${nginx.url} balancing ${replicas.map((replica) => `${replica.name} (${replica.url})`).join(', ')}`)
    return { url: nginx.url, sharedEnv, replicas: replicas.map(({ name, address, url }) => ({ name, address, url })), failed, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

/** The environment that points a process at the stores (and shares the secrets): each API process and the orders service. */
export function storesEnv(stores: Stores, secrets: Record<string, string>): Record<string, string> {
  return {
    ...secrets,
    DATABASE_URL: stores.databaseUrl,
    REDIS_URL: stores.redisUrl,
    // The embedded Postgres serves few connections, which the API processes share, one query at a time.
    ...(stores.embeddedPostgres ? { DATABASE_POOL_MAX: '1', DATABASE_TIMEOUT: String(EMBEDDED_POSTGRES_TIMEOUT) } : {}),
  }
}

/**
 * Processes must agree on the secrets, or a token signed by one is rejected by the next. In the demo
 * profile the API would generate its own per process, so they are generated here once for all
 * (`sharers`, for the log: the replicas, or the API and the orders service).
 */
export function sharedSecrets(env: NodeJS.ProcessEnv, sharers: string, log: (line: string) => void): Record<string, string> {
  if (env.LAB_PROFILE !== 'demo') return {}
  const generated: Record<string, string> = {}
  if (!env.SESSION_SECRET) generated.SESSION_SECRET = randomBytes(32).toString('base64url')
  if (env.JWT_ALGORITHM === 'EdDSA') {
    if (!env.JWT_PRIVATE_KEY) {
      generated.JWT_PRIVATE_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    }
  } else if (!env.JWT_SECRET) {
    generated.JWT_SECRET = randomBytes(32).toString('base64url')
  }
  const names = Object.keys(generated)
  if (names.length > 0) log(`lab: generated ${names.join(' and ')} for this run, shared by ${sharers}`)
  return generated
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the API on ${url} exited at start`)
    const status = await fetch(`${url}/api/health`).then((response) => response.status, () => 0)
    if (status === 200) return
    await sleep(250)
  }
  throw new Error(`the API on ${url} was not healthy within a minute`)
}
