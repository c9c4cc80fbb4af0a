// `pnpm bench [--quick] [--json-progress] [--cpu-prof] [--rounds N] [--duration S] [--connections C] [--users N] [--no-storm]
//   [--only ROUTES] [--out DIR] [--no-origin] [--origin-requests N]`
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runBench } from './run.ts'
import type { BenchProgress, TargetName } from '@lab/bench-report'
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
    'no-origin': { type: 'boolean', default: false },
    'origin-requests': { type: 'string' },
  },
})

const usage = (message: string): never => {
  console.error(message)
  process.exit(2)
}

const number = (name: string, value: string | undefined, minimum: number) => {
  if (value === undefined) return {}
  const parsed = Number(value)
  return Number.isFinite(parsed) && parsed >= minimum ? { [name]: parsed } : usage(`--${name} must be a number ≥ ${minimum}`)
}

// The last step: the web origin in front of the API, sequential calls each way.
const originRequests = values['origin-requests'] === undefined ? undefined : Number(values['origin-requests'])
if (originRequests !== undefined && (!Number.isInteger(originRequests) || originRequests < 1)) usage('--origin-requests must be a whole number ≥ 1')
const origin = values['no-origin'] ? { origin: false as const } : originRequests === undefined ? {} : { origin: { requests: originRequests } }

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
      ...number('duration', values.duration, 0.1),
      ...number('connections', values.connections, 1),
      ...number('users', values.users, 6),
      ...origin,
    },
    print,
  )
  const paths = await writeReport(report, outDir, quick ? 'quick' : 'latest')
  if (jsonProgress) console.log(JSON.stringify({ type: 'report', paths, report }))
  else {
    console.log(`\nreport: ${paths.markdown}\n`)
    if (report.quick) console.log('smoke check (--quick): too short to judge the targets\n')
    const { limit } = report
    for (const row of [limit.noAuth, ...limit.strategies]) {
      const cpu = row.cpuMicrosPerRequest
      console.log(
        `${row.name.padEnd(15)} ${row.ratio.toFixed(2)} of its bare probe  ${cpu.route.toFixed(0).padStart(4)} vs ${cpu.bareProbe.toFixed(0).padStart(4)} µs/req  target ≥ ${row.target.reach}: ${row.target.verdict}`,
      )
    }
    console.log(`platform tax    ${limit.platformTaxMicros.toFixed(0)} µs/req`)
    if (report.origin) {
      const { sequential, underLoad } = report.origin
      console.log(`web origin adds ${sequential.addedP50Ms.toFixed(2)} / ${sequential.addedP99Ms.toFixed(2)} ms p50 / p99 sequential, ${underLoad.addedP50Ms.toFixed(2)} / ${underLoad.addedP99Ms.toFixed(2)} ms under load`)
    }
  }
} catch (error) {
  if (jsonProgress) console.log(JSON.stringify({ type: 'error', message: (error as Error).message }))
  console.error(`bench failed: ${(error as Error).message}`)
  process.exit(1)
}
