// `pnpm demo`: starts the built API in the demo profile (secrets generated, demo users seeded),
// on the configured stores or local ones, and stops everything on Ctrl-C.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const api = fileURLToPath(new URL('../apps/api/dist/server.js', import.meta.url))
const port = process.env.PORT ?? '4000'

const child = spawn(process.execPath, [api], {
  stdio: 'inherit',
  env: { ...process.env, LAB_PROFILE: process.env.LAB_PROFILE ?? 'demo', PORT: port },
})
console.log(`Session vs JWT Lab: API on http://127.0.0.1:${port}/api (health: /api/health, live records: /api/records)`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => child.kill(signal))
}
child.on('exit', (code) => process.exit(code ?? 0))
