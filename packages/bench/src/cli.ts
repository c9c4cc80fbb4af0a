// `pnpm bench [--quick] [--json-progress] [--cpu-prof] [--rounds N] [--duration S] [--connections C] [--users N] [--no-storm] [--out DIR]`
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runBench } from './run.ts'
import type { BenchProgress, TargetName } from './types.ts'
import { writeReport } from './write-report.ts'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'json-progress': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'no-storm': { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    users: { type: 'string' },
    out: { type: 'string' },
    only: { type: 'string' },
  },
})

const number = (name: string, value: string | undefined, minimum: number) => {
  if (value === undefined) return {}
  const parsed = Number(value)
  if (!Number.isFinite(parsed) || parsed < minimum) {
    console.error(`--${name} must be a number ≥ ${minimum}`)
    process.exit(2)
  }
  return { [name]: parsed }
}

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const quick = values.quick
const outDir = values.out ?? (quick ? `${packageDir}.out` : `${packageDir}results`)
const jsonProgress = values['json-progress']

function print(event: BenchProgress) {
  if (jsonProgress) {
    console.log(JSON.stringify(event))
    return
  }
  if (event.type === 'phase') console.log(`· ${event.message}`)
  else if (event.type === 'measurement') {
    const ratio = event.ratio === null ? '' : ` ratio ${event.ratio.toFixed(2)}`
    console.log(`  [${event.step}/${event.steps}] round ${event.round} ${event.target.padEnd(16)} ${Math.round(event.rps).toString().padStart(6)} req/s${ratio} p99 ${event.p99Ms} ms`)
  } else {
    const v = event.variant
    console.log(`  ${v.name}: /me p99 ${v.me.p99Ms} ms, ${v.logins.rps.toFixed(0)} logins/s, loop delay p99 ${v.loopDelayMs.p99.toFixed(1)} ms`)
  }
}

// Ctrl-C, or a web page stopping its run: abort, so the seeded users and sessions are still cleaned up.
const abort = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort.abort(new Error(`stopped by ${signal}`)))

try {
  const report = await runBench(
    {
      signal: abort.signal,
      command: `pnpm bench${process.argv.slice(2).map((arg) => ` ${arg}`).join('')}`,
      quick,
      ...(values['no-storm'] ? { storm: false } : {}),
      ...(values['cpu-prof'] ? { cpuProfDir: `${packageDir}.out/profiles` } : {}),
      ...(values.only ? { only: values.only.split(',') as TargetName[] } : {}),
      ...number('rounds', values.rounds, 1),
      ...number('duration', values.duration, 1),
      ...number('connections', values.connections, 1),
      ...number('users', values.users, 4),
    },
    print,
  )
  const paths = await writeReport(report, outDir, quick ? 'quick' : 'latest')
  if (jsonProgress) console.log(JSON.stringify({ type: 'report', paths, report }))
  else {
    console.log(`\nreport: ${paths.markdown}\n`)
    for (const s of report.strategies) {
      const probe = report.probes.find((p) => p.name === s.probe)
      console.log(`${s.name.padEnd(13)} ratio ${s.ratio.toFixed(2)}  (probe ${probe?.ratio.toFixed(2)})  ${s.cpuMicrosPerRequest.toFixed(0)} µs/req  goal: ${s.target?.met}`)
    }
  }
} catch (error) {
  if (jsonProgress) console.log(JSON.stringify({ type: 'error', message: (error as Error).message }))
  console.error(`bench failed: ${(error as Error).message}`)
  process.exit(1)
}
