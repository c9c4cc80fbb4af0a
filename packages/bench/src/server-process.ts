import { fork, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { once } from 'node:events'
import type { ProbeOptions } from './probes.ts'
import type { Hashing } from '@lab/bench-report'
import type { ReadyMessage, ReplyMessage, RequestName, Requests } from './protocol.ts'

const serverFile = (name: string) => new URL(import.meta.url.endsWith('.ts') ? `./${name}.ts` : `./${name}.js`, import.meta.url)
// Starting waits on the stores (migrations behind other processes' lock): while the CI machine runs every
// package's tests at once on 2 cores, the API under test took more than 30 s to listen.
const START_TIMEOUT_MS = 120_000

/** A server under test in its own process, as fastify/benchmarks runs each server: forked, it says its port when listening. */
export class ServerProcess {
  readonly child: ChildProcess
  readonly port: number
  #nextId = 0
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  #exited = false

  private constructor(child: ChildProcess, port: number) {
    this.child = child
    this.port = port
    child.on('message', (message: ReplyMessage) => {
      const pending = this.#pending.get(message.id)
      if (!pending) return
      this.#pending.delete(message.id)
      if ('error' in message) pending.reject(new Error(`server under test: ${message.error}`))
      else pending.resolve(message.result)
    })
    child.on('exit', (code, signal) => {
      this.#exited = true
      for (const { reject } of this.#pending.values()) reject(new Error(`server under test exited (${signal ?? code})`))
      this.#pending.clear()
    })
  }

  static async start(file: URL, env: Record<string, string>, execArgv: string[] = []): Promise<ServerProcess> {
    const child = fork(file, [], { execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${file.pathname} did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
      child.on('message', (message: ReadyMessage) => {
        if (message.ready) {
          clearTimeout(timer)
          resolve(message.port)
        }
      })
      child.on('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${file.pathname} exited with code ${code} while starting`))
      })
    })
    try {
      return new ServerProcess(child, await ready)
    } catch (error) {
      child.kill('SIGKILL')
      throw error
    }
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Asks the API under test (bench-server.ts) to do something for the run; the bare server answers nothing. */
  request<N extends RequestName>(name: N, args: Requests[N]['args']): Promise<Requests[N]['result']> {
    if (this.#exited) return Promise.reject(new Error('the server under test is not running'))
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.child.send({ id, name, args })
    })
  }

  /**
   * CPU time of the process so far, in microseconds: every thread's time on a CPU, from its schedstat
   * (nanoseconds). /proc/PID/stat counts in clock ticks (10 ms), which a short measurement of a slow
   * route on a busy machine can miss entirely: 0 µs per request, and a ratio divided by it.
   */
  cpuMicros(): number {
    let nanoseconds = 0
    for (const thread of readdirSync(`/proc/${this.child.pid}/task`)) {
      try {
        nanoseconds += Number(readFileSync(`/proc/${this.child.pid}/task/${thread}/schedstat`, 'utf8').split(' ')[0])
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return nanoseconds / 1000
  }

  async stop(): Promise<void> {
    if (this.#exited) return
    const exited = once(this.child, 'exit')
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
}

export interface ApiProcessOptions {
  env: Record<string, string>
  hashing: Hashing
  uvThreadpoolSize: number
  /** the in-app probes' options */
  probes: ProbeOptions
  /** writes a V8 CPU profile of the API under test into this directory when it stops */
  cpuProfDir?: string
}

/** The built API with its real plugins and stores, plus the in-app probes behind the same hooks (bench-server.ts). */
export function startApi(options: ApiProcessOptions): Promise<ServerProcess> {
  return ServerProcess.start(
    serverFile('bench-server'),
    {
      ...options.env,
      UV_THREADPOOL_SIZE: String(options.uvThreadpoolSize),
      BENCH_HASHING: options.hashing,
      BENCH_PROBES: JSON.stringify(options.probes),
    },
    options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [],
  )
}

/** The same probes alone in a bare Fastify (bare-server.ts): the physical limit. */
export function startBare(probes: ProbeOptions, cpuProfDir?: string): Promise<ServerProcess> {
  return ServerProcess.start(
    serverFile('bare-server'),
    { BENCH_PROBES: JSON.stringify(probes) },
    cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
  )
}
