import type { StrategyName } from '@lab/contracts'
import type { Hashing, LoopDelay } from './protocol.ts'

export type ProbeName = 'jwt' | 'jwt+redis' | 'redis' | 'pg'
/** What one measured route is: the no-auth baseline, a limit probe, or a strategy's `/me`. */
export type TargetName = 'baseline' | `probe:${ProbeName}` | StrategyName

export interface BenchOptions {
  /** a small run for CI's smoke check: few requests, two rounds, a short login storm */
  quick: boolean
  /** measured rounds after the warm-up; every other round runs the targets in reverse order */
  rounds: number
  /** seconds per target and round */
  duration: number
  /** autocannon connections */
  connections: number
  /** users seeded; each strategy logs in its own quarter of them */
  users: number
  storm: boolean
  /** seconds per login-storm variant */
  stormDuration: number
  databaseUrl: string
  redisUrl: string
  /** measure only these routes (and the baseline), e.g. to profile one strategy */
  only?: TargetName[]
  /** V8 CPU profiles of the API under test go here (one per process) */
  cpuProfDir?: string
}

export interface RoundMeasurement {
  round: number
  requests: number
  rps: number
  /** this round's req/s divided by the baseline's req/s of the same round */
  ratio: number
  /** the baseline's CPU µs per request in the same round divided by this route's: the ratio a single saturated thread would give */
  cpuRatio: number
  p50Ms: number
  p99Ms: number
  cpuMicrosPerRequest: number
}

export interface TargetSummary {
  name: TargetName
  kind: 'baseline' | 'probe' | 'strategy'
  method: 'GET'
  path: string
  /** what the target does per request, in words */
  work: string
  /** the probe doing only the work this strategy cannot avoid */
  probe?: TargetName
  credentials: number
  /** from the Server-Timing header of a sample response */
  roundTrips: { redis: number; pg: number }
  /** medians over the rounds */
  ratio: number
  ratioMin: number
  ratioMax: number
  /** median of the rounds' CPU ratios: steadier than throughput when the host's speed swings within a round */
  cpuRatio: number
  rps: number
  p50Ms: number
  p99Ms: number
  cpuMicrosPerRequest: number
  target?: { reach: number; stretch: number; met: 'stretch' | 'reach' | 'missed' }
  rounds: RoundMeasurement[]
}

export interface StormVariant {
  name: string
  hashing: Hashing
  uvThreadpoolSize: number
  /** concurrent login clients; 0 is the reference with no logins */
  loginConnections: number
  meConnections: number
  me: { requests: number; rps: number; p50Ms: number; p99Ms: number }
  logins: { requests: number; rps: number; p50Ms: number; p99Ms: number }
  loopDelayMs: LoopDelay
}

export interface Environment {
  node: string
  openssl: string
  v8: string
  redis: string
  postgres: string
  postgresKind: 'server' | 'embedded'
  cpuModel: string
  cores: number
  memoryGiB: number
  os: string
  /** 1-minute load average before and after the run: the machine is shared */
  loadBefore: number
  loadAfter: number
}

export interface BenchReport {
  schema: 'lab-bench/1'
  date: string
  command: string
  quick: boolean
  durationSeconds: number
  settings: Omit<BenchOptions, 'databaseUrl' | 'redisUrl' | 'cpuProfDir' | 'only'> & { warmup: string; pipelining: 1 }
  environment: Environment
  baseline: TargetSummary
  probes: TargetSummary[]
  strategies: TargetSummary[]
  storm: StormVariant[]
}

export type BenchProgress =
  | { type: 'phase'; phase: 'start' | 'seed' | 'warmup' | 'rounds' | 'storm' | 'cleanup' | 'done'; message: string }
  /** one target measured in one round: `step` of `steps` in the whole run, for a progress bar */
  | { type: 'measurement'; step: number; steps: number; round: number; target: TargetName; rps: number; ratio: number | null; p99Ms: number }
  | { type: 'storm'; variant: StormVariant }
