import 'server-only'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { BENCH_EVENT_TYPES, BENCH_SCHEMA, PAGE_RUN, type BenchEvent, type BenchReport } from './bench'
import { env } from './env'

const CLI = join('packages', 'bench', 'src', 'cli.ts')
/** A run of the page's size takes ≈ 70 s; past this it is stopped (and cleans up after itself). */
const RUN_LIMIT_MS = 180_000
/** After SIGTERM the bench logs its sessions out and deletes its users; past this it is killed. */
const CLEANUP_LIMIT_MS = 30_000

/**
 * The repository holding the bench: LAB_ROOT (set by `pnpm demo`), else the first folder upward from
 * the working directory that has it (`next dev` runs in apps/web, the standalone server in
 * apps/web/.next/standalone/apps/web). Null in an image without the repository.
 */
export function benchRoot(): string | null {
  if (env.labRoot) return existsSync(join(env.labRoot, CLI)) ? env.labRoot : null
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CLI))) return dir
    if (dirname(dir) === dir) return null
  }
}

/** Why a run cannot start from this server, or null when it can. */
export function benchUnavailable(): string | null {
  const root = benchRoot()
  if (!root) return 'This web server cannot find the repository (packages/bench): set LAB_ROOT.'
  if (!existsSync(join(root, 'apps', 'api', 'dist', 'app.js'))) return 'The API is not built: run `pnpm build` first.'
  return null
}

/**
 * The latest full run committed to the repository (packages/bench/results/latest.json), if any; a
 * report in another format than this page reads comes back as its schema's name alone.
 */
export async function readCommittedReport(): Promise<{ report: BenchReport } | { otherSchema: string } | null> {
  const root = benchRoot()
  if (!root) return null
  let parsed: { schema?: unknown }
  try {
    parsed = JSON.parse(await readFile(join(root, 'packages', 'bench', 'results', 'latest.json'), 'utf8')) as { schema?: unknown }
  } catch {
    return null
  }
  return parsed.schema === BENCH_SCHEMA ? { report: parsed as BenchReport } : { otherSchema: String(parsed.schema ?? 'none') }
}

/** When the run in progress started: two runs at once would measure each other. */
let busySince: number | null = null

export function runningSince(): number | null {
  return busySince
}

/**
 * Starts the bench CLI in its own process (the load never runs in this server) and returns its events
 * as a stream of Server-Sent Events. The run stops when `signal` aborts (the browser went away) or
 * the stream is cancelled. Returns null when a run is already in progress.
 */
export async function startRun(root: string, signal: AbortSignal): Promise<ReadableStream<Uint8Array> | null> {
  if (busySince !== null) return null
  busySince = Date.now()
  let child: ChildProcess
  let outDir: string
  try {
    outDir = await mkdtemp(join(tmpdir(), 'lab-bench-'))
    const args = [
      join(root, CLI),
      '--json-progress',
      '--no-storm',
      '--rounds', String(PAGE_RUN.rounds),
      '--duration', String(PAGE_RUN.duration),
      '--users', String(PAGE_RUN.users),
      '--out', outDir,
    ]
    child = spawn(process.execPath, args, { cwd: root, env: env.benchEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (error) {
    busySince = null
    throw error
  }
  const stdout = child.stdout as Readable
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000)
  })

  let killTimer: NodeJS.Timeout | undefined
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), CLEANUP_LIMIT_MS)
  }
  const limit = setTimeout(stop, RUN_LIMIT_MS)
  signal.addEventListener('abort', stop, { once: true })
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null))
    child.once('close', (code) => resolve(code))
  }).finally(async () => {
    clearTimeout(limit)
    clearTimeout(killTimer)
    signal.removeEventListener('abort', stop)
    await rm(outDir, { recursive: true, force: true })
    busySince = null
  })

  const encoder = new TextEncoder()
  let open = true
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: BenchEvent) => {
        if (open) controller.enqueue(encoder.encode(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`))
      }
      let ended = false
      // The API under test shares the bench's stdout (its warnings): only the bench's event lines are relayed.
      for await (const line of createInterface({ input: stdout })) {
        let event: BenchEvent
        try {
          event = JSON.parse(line) as BenchEvent
        } catch {
          continue
        }
        if (typeof event !== 'object' || event === null || !BENCH_EVENT_TYPES.has(event.type)) continue
        // The CLI adds the paths of its report files, which live in a temporary directory.
        if (event.type === 'report') event = { type: 'report', report: event.report }
        send(event)
        if (event.type === 'report' || event.type === 'error') ended = true
      }
      const code = await exited
      if (!ended) {
        const detail = stderr.trim().split('\n').slice(-3).join(' ')
        send({ type: 'error', message: `the bench stopped (exit code ${code ?? 'unknown'}) without a report${detail ? `: ${detail}` : ''}` })
      }
      if (open) controller.close()
      open = false
    },
    cancel() {
      open = false
      stop()
    },
  })
}
