// The web lab's server: `node server/main.ts` in the standalone output (.next/standalone/apps/web),
// as `pnpm demo`, the Docker image and `pnpm --filter @lab/web start` run it.
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { env } from '../src/lib/env.ts'
import { createOrigin } from './origin.ts'

const dir = fileURLToPath(new URL('..', import.meta.url))
// As Next's own standalone server.js: the configuration the build serialized (there is no
// next.config.ts at run time), a production React, and the app's folder as working directory.
const { config } = JSON.parse(readFileSync(new URL('../.next/required-server-files.json', import.meta.url), 'utf8')) as { config: object }
Object.assign(process.env, { NODE_ENV: 'production', __NEXT_PRIVATE_STANDALONE_CONFIG: JSON.stringify(config) })
process.chdir(dir)
const { default: next } = await import('next')

const app = next({ dir, dev: false, hostname: env.host, port: env.port, conf: config })
await app.prepare()
const server = createOrigin({ apiUrl: env.apiUrl, ordersUrl: env.ordersUrl, next: app.getRequestHandler(), demo: env.profile === 'demo', publicUrl: env.publicUrl })
server.once('error', (error) => {
  console.error(`The web lab cannot listen on ${env.host}:${env.port}: ${error.message}`)
  process.exit(1)
})
server.listen(env.port, env.host, () => {
  const { port } = server.address() as AddressInfo
  console.log(`web lab on http://${env.host}:${port} (API ${env.apiUrl}, orders ${env.ordersUrl})`)
})

let closing = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(1)
    closing = true
    // Idle connections close now, requests in progress may finish; open streams are cut after a grace.
    server.close(() => void app.close().then(() => process.exit(0)))
    server.closeIdleConnections()
    setTimeout(() => server.closeAllConnections(), 3000).unref()
  })
}
