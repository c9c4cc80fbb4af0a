// `pnpm demo`: starts the built API in the demo profile (secrets generated, demo users seeded), on
// the configured stores or local ones, and the built web lab in front of it (its origin server,
// which proxies /api to the API and serves Next's pages); prints the URL and stops both on Ctrl-C.
// `pnpm demo --replicas N`: the docker-compose topology instead of one API: N API processes behind
// nginx on PORT, sharing stores and secrets (docker/src/replicas.ts), for the replicas view.
import { spawn, type ChildProcess } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { ReplicaTopology } from '../docker/src/replicas.ts'

const root = new URL('../', import.meta.url)
const apiServer = fileURLToPath(new URL('apps/api/dist/server.js', root))
const webServer = fileURLToPath(new URL('apps/web/.next/standalone/apps/web/server/main.ts', root))
const apiPort = process.env.PORT ?? '4000'
const webPort = process.env.WEB_PORT ?? '3000'
let apiUrl = process.env.API_URL ?? `http://127.0.0.1:${apiPort}`
const webUrl = `http://127.0.0.1:${webPort}`

const { values: options } = parseArgs({ options: { replicas: { type: 'string' } } })

const children: ChildProcess[] = []
let topology: ReplicaTopology | undefined
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
  void Promise.all([...exits, topology?.stop()]).then(() => process.exit(code))
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stop(0))

if (options.replicas === undefined) {
  start('the API', apiServer, { LAB_PROFILE: process.env.LAB_PROFILE ?? 'demo', PORT: apiPort })
} else {
  const { startReplicas } = await import('../docker/src/replicas.ts')
  topology = await startReplicas({
    count: Number(options.replicas),
    port: Number(apiPort),
    env: { ...process.env, LAB_PROFILE: process.env.LAB_PROFILE ?? 'demo' },
  })
  apiUrl = topology.url
  void topology.failed.then((reason) => {
    if (stopping) return
    console.error(`${reason}; stopping the demo`)
    stop(1)
  })
}
// LAB_PROFILE and LAB_ROOT let its bench page start runs of packages/bench (demo profile only).
start('the web lab', webServer, {
  WEB_PORT: webPort,
  API_URL: apiUrl,
  LAB_PROFILE: process.env.LAB_PROFILE ?? 'demo',
  LAB_ROOT: fileURLToPath(root),
})

// Ready when the API answers through the web lab's proxy (the embedded Postgres takes a few seconds).
for (let attempt = 0; !stopping; attempt++) {
  const status = await fetch(`${webUrl}/api/health`).then((response) => response.status, () => 0)
  if (status === 200 || status === 503) {
    console.log(`\nSession vs JWT Lab: open ${webUrl}  (API on ${apiUrl}/api; Ctrl-C stops both)\n`)
    break
  }
  if (attempt === 240) {
    console.error('the lab did not answer within a minute; stopping')
    stop(1)
  }
  await sleep(250)
}
