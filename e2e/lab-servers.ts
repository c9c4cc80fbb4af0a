// Playwright's web server: a redis-server of its own on a free port (the outage journey pauses it,
// so never the shared one), then the lab as `pnpm demo` starts it (built API + built web app).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startRedisServer } from '@lab/api/local-stores'

const redis = await startRedisServer()
console.log(`e2e: ${redis.description}`)
// Arguments go to the launcher: `--replicas 2` starts two APIs behind nginx.
const demo = spawn(process.execPath, [fileURLToPath(new URL('../scripts/demo.ts', import.meta.url)), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, REDIS_URL: redis.url },
})

async function stop(code: number) {
  if (demo.exitCode === null && demo.signalCode === null) {
    const exited = new Promise((resolve) => demo.once('exit', resolve))
    demo.kill('SIGTERM')
    await exited
  }
  await redis.stop()
  process.exit(code)
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(0))
demo.on('exit', (code) => void stop(code ?? 1))
