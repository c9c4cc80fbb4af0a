// `pnpm demo`: starts the built API in the demo profile (secrets generated, demo users seeded), on
// the configured stores or local ones, the orders service beside it (apps/orders, a second service
// that checks the same logins its own way), and the built web lab in front of both (its origin
// server, which proxies /api to the API and /orders to the orders service, and serves Next's pages);
// prints the URL and stops everything on Ctrl-C.
// `pnpm demo --replicas N`: the docker-compose topology instead of one API: N API processes behind
// nginx on PORT, sharing stores and secrets (docker/src/replicas.ts), for the replicas view.
// Access tokens are EdDSA unless JWT_ALGORITHM says otherwise: the orders service verifies them with
// the public keys the API publishes, sharing no secret with it.
import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { provideStores, sharedSecrets, startReplicas, storesEnv, type ReplicaTopology } from '../docker/src/replicas.ts'

const root = new URL('../', import.meta.url)
const apiServer = fileURLToPath(new URL('apps/api/dist/server.js', root))
const ordersServer = fileURLToPath(new URL('apps/orders/dist/server.js', root))
const webServer = fileURLToPath(new URL('apps/web/.next/standalone/apps/web/server/main.ts', root))
const apiPort = process.env.PORT ?? '4000'
const ordersPort = process.env.ORDERS_PORT ?? '4001'
const webPort = process.env.WEB_PORT ?? '3000'
let apiUrl = process.env.API_URL ?? `http://127.0.0.1:${apiPort}`
const ordersUrl = `http://127.0.0.1:${ordersPort}`
const webUrl = `http://127.0.0.1:${webPort}`

const { values: options } = parseArgs({ options: { replicas: { type: 'string' } } })

const children: ChildProcess[] = []
let topology: ReplicaTopology | undefined
let stopStores: (() => Promise<void>) | undefined
let stopping = false

function start(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  // A process group of its own: Ctrl-C reaches this launcher alone, which then stops each child once
  // (a second signal from the terminal would cut the API's graceful close short).
  const child = spawn(process.execPath, [script], { stdio: 'inherit', env: { ...process.env, ...env }, detached: true })
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${name} stopped (${signal ?? `exit code ${code}`}); stopping the demo`)
      stop(code ?? 1)
    }
  })
  children.push(child)
  return child
}

function stop(code = 0) {
  stopping = true
  const exits = children
    .filter((child) => child.exitCode === null && child.signalCode === null)
    .map((child) => new Promise((resolve) => child.once('exit', resolve)))
  for (const child of children) child.kill('SIGTERM')
  // The stores last: the processes close their connections first.
  void Promise.all([...exits, topology?.stop()])
    .then(() => stopStores?.())
    .then(() => process.exit(code))
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0))

const labEnv: NodeJS.ProcessEnv = { ...process.env, LAB_PROFILE: process.env.LAB_PROFILE ?? 'demo', JWT_ALGORITHM: process.env.JWT_ALGORITHM ?? 'EdDSA' }
/** the stores and secrets the API and the orders service share */
let sharedEnv: Record<string, string>
if (options.replicas === undefined) {
  // Started here rather than by the API, so that the orders service gets the same ones.
  const stores = await provideStores({ databaseUrl: labEnv.DATABASE_URL || undefined, redisUrl: labEnv.REDIS_URL || undefined })
  stopStores = stores.stop
  console.log(`lab: ${stores.descriptions.join(', ')}`)
  sharedEnv = storesEnv(stores, sharedSecrets(labEnv, labEnv.ORDERS_SESSION_CHECK === 'store' ? 'the API and the orders service' : 'the API', console.log))
  start('the API', apiServer, { ...labEnv, ...sharedEnv, PORT: apiPort })
} else {
  topology = await startReplicas({ count: Number(options.replicas), port: Number(apiPort), env: labEnv })
  sharedEnv = topology.sharedEnv
  apiUrl = topology.url
  void topology.failed.then((reason) => {
    if (stopping) return
    console.error(`${reason}; stopping the demo`)
    stop(1)
  })
}
// The orders service gets the shared Redis (the denylist), and the API's session secret and Postgres
// only when it reads the stores itself (ORDERS_SESSION_CHECK=store): the coupling that mode shows.
const ordersEnv = {
  REDIS_URL: sharedEnv.REDIS_URL,
  // It waits for the API as long as the API waits on Postgres (longer on the embedded one).
  ...(sharedEnv.DATABASE_TIMEOUT ? { DATABASE_TIMEOUT: sharedEnv.DATABASE_TIMEOUT } : {}),
  ...(labEnv.ORDERS_SESSION_CHECK === 'store' ? { DATABASE_URL: sharedEnv.DATABASE_URL, ...(sharedEnv.SESSION_SECRET ? { SESSION_SECRET: sharedEnv.SESSION_SECRET } : {}) } : {}),
}
start('the orders service', ordersServer, { ...labEnv, ...ordersEnv, ORDERS_PORT: ordersPort, API_URL: apiUrl })
// LAB_PROFILE and LAB_ROOT let its bench page start runs of packages/bench (demo profile only).
start('the web lab', webServer, {
  WEB_PORT: webPort,
  API_URL: apiUrl,
  ORDERS_URL: ordersUrl,
  LAB_PROFILE: labEnv.LAB_PROFILE,
  LAB_ROOT: fileURLToPath(root),
})

// Ready when the API and the orders service answer through the web lab's proxy (the embedded Postgres takes a few seconds).
const answers = (path: string) => fetch(`${webUrl}${path}`).then((response) => response.status === 200 || response.status === 503, () => false)
for (let attempt = 0; !stopping; attempt++) {
  if ((await answers('/api/health')) && (await answers('/orders/health'))) {
    console.log(`\nSession vs JWT Lab: open ${webUrl}  (API on ${apiUrl}/api, orders on ${ordersUrl}/orders; Ctrl-C stops all)\n`)
    break
  }
  if (attempt === 240) {
    console.error('the lab did not answer within a minute; stopping')
    stop(1)
  }
  await sleep(250)
}
