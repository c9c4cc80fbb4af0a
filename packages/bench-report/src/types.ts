import type { StrategyName } from '@lab/contracts'

/** Which argon2 calls the API under test makes: on libuv's thread pool (production) or on the event loop. */
export type Hashing = 'thread-pool' | 'event-loop'

export interface LoopDelay {
  /** milliseconds */
  p50: number
  p99: number
  max: number
  mean: number
}

/** The work a strategy cannot avoid, one limit probe each. */
export type ProbeName = 'jwt' | 'jwt+redis' | 'jwt-cookie' | 'jwt+dpop' | 'redis' | 'pg' | 'session-cache'
/**
 * What one measured route is: inside the API, the no-auth baseline, a limit probe or a strategy's
 * `/me`; in the bare Fastify process (`bare:`), the same baseline and probes with nothing around them.
 */
export type TargetName = 'baseline' | `probe:${ProbeName}` | StrategyName | `bare:${'baseline' | ProbeName}`

export interface BenchOptions {
  /** a small run for CI's smoke check: few requests, two short rounds, a short login storm; too short to judge targets */
  quick: boolean
  /** measured rounds after the warm-up; every other round runs the targets in reverse order */
  rounds: number
  /** seconds per target and round */
  duration: number
  /** autocannon connections */
  connections: number
  /** users seeded; each strategy logs in its own share of them */
  users: number
  storm: boolean
  /** seconds per login-storm variant */
  stormDuration: number
  databaseUrl: string
  redisUrl: string
  /** measure only these routes (and both baselines), e.g. to profile one strategy */
  only?: TargetName[]
  /** V8 CPU profiles of the servers under test go here (one per process) */
  cpuProfDir?: string
  /** the last step: the built web origin started in front of the API, to measure what it adds; false skips it */
  origin: OriginOptions | false
}

export interface OriginOptions {
  /** sequential requests each way, alternating */
  requests: number
}

export interface RoundMeasurement {
  round: number
  requests: number
  rps: number
  /** this round's req/s divided by the req/s of its own process's baseline in the same round */
  ratio: number
  /** that baseline's CPU µs per request in the same round divided by this route's: the ratio a single saturated thread would give */
  cpuRatio: number
  p50Ms: number
  p99Ms: number
  cpuMicrosPerRequest: number
}

export interface TargetSummary {
  name: TargetName
  kind: 'baseline' | 'probe' | 'strategy'
  /** the process serving it: the API under test, or the bare Fastify */
  process: 'api' | 'bare'
  method: 'GET'
  path: string
  /** what the target does per request, in words */
  work: string
  /** a strategy's probe inside the API: the work it cannot avoid, behind the API's hooks */
  probe?: TargetName
  /** a strategy's probe in the bare process: the work it cannot avoid, and nothing else */
  bareProbe?: TargetName
  credentials: number
  /** from the Server-Timing header of a sample response (the probes' by construction) */
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
  rounds: RoundMeasurement[]
}

/** An issue 14 target on a share of the physical limit, and whether this run reached it. */
export interface LimitTarget {
  reach: number
  stretch: number
  /** `not judged`: a quick run (a smoke check) is too short to judge */
  verdict: 'stretch reached' | 'reached' | 'missed' | 'not judged'
}

/** A route inside the API against the bare process doing the same unavoidable work, round by round. */
export interface LimitComparison {
  /** the strategy, or `no auth` for the API's baseline against the bare one */
  name: StrategyName | 'no auth'
  route: TargetName
  /** the same work inside the API, behind its hooks (absent for `no auth`: that is `route`) */
  inAppProbe?: TargetName
  bareProbe: TargetName
  /** median over rounds of (route req/s ÷ bare probe req/s in the same round), with its range */
  ratio: number
  ratioMin: number
  ratioMax: number
  /** median over rounds of (bare probe CPU µs/req ÷ route CPU µs/req) */
  cpuRatio: number
  /** median over rounds of (in-app probe req/s ÷ bare probe req/s): the same work, only the API around it */
  inAppProbeRatio?: number
  /** medians over rounds, each process's CPU time per request (all its threads) */
  cpuMicrosPerRequest: { route: number; inAppProbe?: number; bareProbe: number }
  target: LimitTarget
  rounds: Array<{ round: number; ratio: number; cpuRatio: number }>
}

export interface LimitReport {
  /** the no-auth baseline inside the API against the bare one */
  noAuth: LimitComparison
  strategies: LimitComparison[]
  /** what the API's root hooks and options cost every request: API baseline CPU µs/req − bare baseline CPU µs/req */
  platformTaxMicros: number
}

export interface Latency {
  p50Ms: number
  p99Ms: number
  meanMs: number
}

/** What a web origin adds to a call to the API: the same route through it and directly. */
export interface OriginReport {
  origin: string
  api: string
  path: string
  sequential: { requests: number; direct: Latency; origin: Latency; addedP50Ms: number; addedP99Ms: number }
  underLoad: {
    connections: number
    duration: number
    direct: Latency & { rps: number; requests: number }
    origin: Latency & { rps: number; requests: number }
    addedP50Ms: number
    addedP99Ms: number
  }
  /** issue 14: the origin adds at most this to a sequential call at p50 */
  target: { maxAddedP50Ms: number; verdict: 'reached' | 'missed' | 'not judged' }
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
  fastify: string
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
  schema: 'lab-bench/2'
  date: string
  command: string
  quick: boolean
  durationSeconds: number
  settings: Omit<BenchOptions, 'databaseUrl' | 'redisUrl' | 'cpuProfDir' | 'only' | 'origin'> & {
    warmup: string
    pipelining: 1
    /** SESSION_CACHE_TTL of the API under test, in seconds */
    sessionCacheTtl: number
    /** which path of `session-cached` was measured: `fresh`, its copy always valid (0 round trips) */
    sessionCachedPath: 'fresh'
  }
  environment: Environment
  /** inside the API under test */
  baseline: TargetSummary
  probes: TargetSummary[]
  strategies: TargetSummary[]
  /** the bare Fastify process: the physical limit */
  bare: { baseline: TargetSummary; probes: TargetSummary[] }
  limit: LimitReport
  storm: StormVariant[]
  /** absent when the run skipped it (--no-origin) */
  origin?: OriginReport
}

export type BenchProgress =
  | { type: 'phase'; phase: 'start' | 'seed' | 'warmup' | 'rounds' | 'storm' | 'origin' | 'cleanup' | 'done'; message: string }
  /** one target measured in one round: `step` of `steps` in the whole run, for a progress bar; ratio to its own process's baseline */
  | { type: 'measurement'; step: number; steps: number; round: number; target: TargetName; rps: number; ratio: number | null; p99Ms: number }
  | { type: 'storm'; variant: StormVariant }
