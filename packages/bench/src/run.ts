import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { countRoundTrips, type StrategyName } from '@lab/contracts'
import { ApiProcess } from './api-process.ts'
import { loginAll, logoutAll, probeHeaders, type Headers } from './credentials.ts'
import { assertAllOk, load, type LoadResult } from './load.ts'
import { PROBE_PATHS } from './probes.ts'
import type { Hashing } from './protocol.ts'
import type {
  BenchOptions,
  BenchProgress,
  BenchReport,
  Environment,
  RoundMeasurement,
  StormVariant,
  TargetName,
  TargetSummary,
} from './types.ts'

export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379'

/** The full run `pnpm bench` makes. */
export const FULL: BenchOptions = {
  quick: false,
  rounds: 12,
  duration: 2,
  connections: 100,
  users: 1000,
  storm: true,
  stormDuration: 5,
  databaseUrl: DATABASE_URL,
  redisUrl: REDIS_URL,
}

/** `--quick`: the smoke check CI runs beside the other suites, so it is small on purpose. */
export const QUICK: BenchOptions = {
  ...FULL,
  quick: true,
  rounds: 2,
  duration: 1,
  connections: 10,
  users: 40,
  stormDuration: 1,
}

/** The goals: ratio to the no-auth baseline, medians of one run. */
export const GOALS: Record<StrategyName, { reach: number; stretch: number }> = {
  jwt: { reach: 0.55, stretch: 0.7 },
  session: { reach: 0.55, stretch: 0.65 },
  'jwt-denylist': { reach: 0.4, stretch: 0.48 },
  'session-pg': { reach: 0.2, stretch: 0.25 },
}

type CredentialSet = 'none' | 'probe' | StrategyName

interface TargetDefinition {
  name: TargetName
  kind: TargetSummary['kind']
  path: string
  credentials: CredentialSet
  work: string
  probe?: TargetName
  /** probes use their own uninstrumented clients, so their round trips are known by construction */
  roundTrips?: { redis: number; pg: number }
}

const TARGETS: readonly TargetDefinition[] = [
  { name: 'baseline', kind: 'baseline', path: PROBE_PATHS.baseline, credentials: 'none', work: 'no authentication, same JSON answer', roundTrips: { redis: 0, pg: 0 } },
  { name: 'probe:jwt', kind: 'probe', path: PROBE_PATHS.jwt, credentials: 'jwt', work: 'HS256 verify, fast-jwt verifier built once', roundTrips: { redis: 0, pg: 0 } },
  { name: 'probe:jwt+redis', kind: 'probe', path: PROBE_PATHS['jwt+redis'], credentials: 'jwt', work: 'HS256 verify + 1 ioredis GET of the jti', roundTrips: { redis: 1, pg: 0 } },
  { name: 'probe:redis', kind: 'probe', path: PROBE_PATHS.redis, credentials: 'probe', work: '1 ioredis GET of an opaque id', roundTrips: { redis: 1, pg: 0 } },
  { name: 'probe:pg', kind: 'probe', path: PROBE_PATHS.pg, credentials: 'probe', work: '1 prepared primary-key SELECT (pg)', roundTrips: { redis: 0, pg: 1 } },
  { name: 'jwt', kind: 'strategy', path: '/api/jwt/me', credentials: 'jwt', probe: 'probe:jwt', work: 'bearer HS256 access token' },
  { name: 'jwt-denylist', kind: 'strategy', path: '/api/jwt-denylist/me', credentials: 'jwt-denylist', probe: 'probe:jwt+redis', work: 'bearer token + Redis denylist lookup' },
  { name: 'session', kind: 'strategy', path: '/api/session/me', credentials: 'session', probe: 'probe:redis', work: 'signed session cookie, session in Redis' },
  { name: 'session-pg', kind: 'strategy', path: '/api/session-pg/me', credentials: 'session-pg', probe: 'probe:pg', work: 'signed session cookie, session row in Postgres' },
]

const STRATEGY_ORDER: readonly StrategyName[] = ['jwt', 'jwt-denylist', 'session', 'session-pg']

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

function childEnv(options: BenchOptions, secrets: { jwt: string; session: string }): Record<string, string> {
  return {
    LAB_PROFILE: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    JWT_SECRET: secrets.jwt,
    SESSION_SECRET: secrets.session,
    // Long enough that no credential expires during a run.
    ACCESS_TOKEN_TTL: '3600',
    SESSION_TTL: '3600',
    // The storm logs in far faster than people from one address: the per-client limit would answer 429.
    CLIENT_RATE_LIMIT: '1000000',
    SEED_DEMO_USERS: 'false',
    LOG_LEVEL: 'warn',
  }
}

function environment(versions: Pick<Environment, 'redis' | 'postgres' | 'postgresKind'>, loadBefore: number): Environment {
  return {
    node: process.versions.node,
    openssl: process.versions.openssl,
    v8: process.versions.v8,
    ...versions,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadBefore,
    loadAfter: os.loadavg()[0] as number,
  }
}

export interface RunBenchOptions extends Partial<BenchOptions> {
  /** the command line to record in the report */
  command?: string
  signal?: AbortSignal
}

/**
 * Runs the benchmark and returns its report: the built API forked with its real plugins and stores,
 * every strategy's `/me` and every limit probe measured in interleaved rounds against the no-auth
 * baseline, then the login storm. Rejects (FailedRequestsError) on any non-2xx, error or timeout.
 * `onProgress` receives each step, for a CLI line or a progress bar.
 */
export async function runBench(options: RunBenchOptions = {}, onProgress: (event: BenchProgress) => void = () => {}): Promise<BenchReport> {
  const { command = 'runBench()', signal, ...overrides } = options
  const settings: BenchOptions = { ...(overrides.quick ? QUICK : FULL), ...overrides }
  const started = Date.now()
  const loadBefore = os.loadavg()[0] as number
  const secrets = { jwt: randomBytes(48).toString('base64url'), session: randomBytes(48).toString('base64url') }
  const env = childEnv(settings, secrets)
  const only = settings.only
  const targets = only ? TARGETS.filter((t) => t.name === 'baseline' || only.includes(t.name)) : TARGETS
  const prefix = `bench-${randomBytes(6).toString('hex')}-`
  const password = randomBytes(12).toString('base64url')
  const checkAborted = () => signal?.throwIfAborted()
  const start = (hashing: Hashing, uvThreadpoolSize: number) =>
    ApiProcess.start({ env, hashing, uvThreadpoolSize, ...(settings.cpuProfDir ? { cpuProfDir: settings.cpuProfDir } : {}) })

  onProgress({ type: 'phase', phase: 'start', message: 'starting the API under test (apps/api/dist)' })
  let api = await start('thread-pool', 4)
  try {
    const versions = await api.request('versions', null)

    onProgress({ type: 'phase', phase: 'seed', message: `seeding ${settings.users} users and logging each strategy's share in` })
    await api.request('seed-users', { prefix, count: settings.users, password })
    const usernames = Array.from({ length: settings.users }, (_, i) => `${prefix}${i}`)
    const share = Math.floor(settings.users / STRATEGY_ORDER.length)
    const credentials = new Map<CredentialSet, Headers[]>([['none', [{}]]])
    for (const [i, strategy] of STRATEGY_ORDER.entries()) {
      checkAborted()
      credentials.set(strategy, await loginAll(api, strategy, usernames.slice(i * share, (i + 1) * share), password))
    }
    credentials.set('probe', probeHeaders(await api.request('seed-probes', { prefix, count: share })))
    const headersOf = (target: TargetDefinition) => credentials.get(target.credentials) as Headers[]

    const roundTrips = new Map<TargetName, { redis: number; pg: number }>()
    for (const target of targets) {
      const response = await fetch(api.baseUrl + target.path, { headers: headersOf(target)[0] as Headers })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`${target.path} answered ${response.status} before the run`)
      roundTrips.set(target.name, target.roundTrips ?? countRoundTrips(response.headers.get('server-timing')))
    }

    const run = (target: TargetDefinition, duration: number) =>
      load(api, { path: target.path, headers: headersOf(target), connections: settings.connections, duration })

    onProgress({ type: 'phase', phase: 'warmup', message: 'warming up every route' })
    for (const target of targets) {
      checkAborted()
      assertAllOk(`warm-up of ${target.name}`, await run(target, Math.max(1, settings.duration / 2)))
    }

    onProgress({ type: 'phase', phase: 'rounds', message: `${settings.rounds} rounds of ${targets.length} routes, order reversed every other round` })
    const results = new Map<TargetName, Array<LoadResult & { round: number }>>(targets.map((t) => [t.name, []]))
    const steps = settings.rounds * targets.length
    let step = 0
    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? targets : [...targets].reverse()
      for (const target of order) {
        checkAborted()
        const result = await run(target, settings.duration)
        assertAllOk(`${target.name} in round ${round}`, result)
        results.get(target.name)?.push({ ...result, round })
        const baseline = results.get('baseline')?.find((r) => r.round === round)
        onProgress({
          type: 'measurement',
          step: ++step,
          steps,
          round,
          target: target.name,
          rps: result.rps,
          ratio: baseline ? result.rps / baseline.rps : null,
          p99Ms: result.p99,
        })
      }
    }

    const summaries = targets.map((target): TargetSummary => {
      const measured = results.get(target.name) ?? []
      const rounds = measured.map((r): RoundMeasurement => {
        const baseline = results.get('baseline')?.find((b) => b.round === r.round) as LoadResult
        return {
          round: r.round,
          requests: r.requests,
          rps: r.rps,
          ratio: r.rps / baseline.rps,
          cpuRatio: baseline.cpuMicrosPerRequest / r.cpuMicrosPerRequest,
          p50Ms: r.p50,
          p99Ms: r.p99,
          cpuMicrosPerRequest: r.cpuMicrosPerRequest,
        }
      })
      const ratios = rounds.map((r) => r.ratio)
      const ratio = median(ratios)
      const goal = target.kind === 'strategy' ? GOALS[target.name as StrategyName] : undefined
      return {
        name: target.name,
        kind: target.kind,
        method: 'GET',
        path: target.path,
        work: target.work,
        ...(target.probe ? { probe: target.probe } : {}),
        credentials: headersOf(target).length,
        roundTrips: roundTrips.get(target.name) ?? { redis: 0, pg: 0 },
        ratio,
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
        cpuRatio: median(rounds.map((r) => r.cpuRatio)),
        rps: median(rounds.map((r) => r.rps)),
        p50Ms: median(rounds.map((r) => r.p50Ms)),
        p99Ms: median(rounds.map((r) => r.p99Ms)),
        cpuMicrosPerRequest: median(rounds.map((r) => r.cpuMicrosPerRequest)),
        ...(goal ? { target: { ...goal, met: ratio >= goal.stretch ? 'stretch' : ratio >= goal.reach ? 'reach' : 'missed' } } : {}),
        rounds,
      }
    })

    onProgress({ type: 'phase', phase: 'cleanup', message: 'logging the sessions out' })
    await logoutAll(api, 'session', credentials.get('session') ?? [])
    await logoutAll(api, 'session-pg', credentials.get('session-pg') ?? [])

    const storm: StormVariant[] = []
    if (settings.storm) {
      const logins = settings.quick ? 4 : 8
      const variants: Array<Pick<StormVariant, 'name' | 'hashing' | 'uvThreadpoolSize' | 'loginConnections'>> = [
        ...(settings.quick ? [] : [{ name: 'no logins (reference)', hashing: 'thread-pool' as const, uvThreadpoolSize: 4, loginConnections: 0 }]),
        { name: 'argon2 on the thread pool, UV_THREADPOOL_SIZE=4', hashing: 'thread-pool', uvThreadpoolSize: 4, loginConnections: logins },
        ...(settings.quick ? [] : [{ name: 'argon2 on the thread pool, UV_THREADPOOL_SIZE=1', hashing: 'thread-pool' as const, uvThreadpoolSize: 1, loginConnections: logins }]),
        { name: 'argon2 on the event loop (hashSync/verifySync)', hashing: 'event-loop', uvThreadpoolSize: 4, loginConnections: logins },
      ]
      const jwtHeaders = credentials.get('jwt') as Headers[]
      const loginBodies = usernames.map((username) => JSON.stringify({ username, password }))
      for (const variant of variants) {
        checkAborted()
        onProgress({ type: 'phase', phase: 'storm', message: `login storm: ${variant.name}` })
        await api.stop()
        api = await start(variant.hashing, variant.uvThreadpoolSize)
        const me = { path: '/api/jwt/me', headers: jwtHeaders, connections: 10, duration: settings.stormDuration }
        assertAllOk('storm warm-up', await load(api, { ...me, duration: 1 }))
        await api.request('loop-delay', null)
        const [meResult, loginResult] = await Promise.all([
          load(api, me),
          variant.loginConnections > 0
            ? load(api, {
                path: '/api/jwt/login',
                method: 'POST',
                headers: [{ 'content-type': 'application/json' }],
                bodies: loginBodies,
                connections: variant.loginConnections,
                duration: settings.stormDuration,
              })
            : Promise.resolve(undefined),
        ])
        const loopDelayMs = await api.request('loop-delay', null)
        assertAllOk(`/me during ${variant.name}`, meResult)
        if (loginResult) assertAllOk(`logins during ${variant.name}`, loginResult)
        const result: StormVariant = {
          ...variant,
          meConnections: me.connections,
          me: { requests: meResult.requests, rps: meResult.rps, p50Ms: meResult.p50, p99Ms: meResult.p99 },
          logins: loginResult
            ? { requests: loginResult.requests, rps: loginResult.rps, p50Ms: loginResult.p50, p99Ms: loginResult.p99 }
            : { requests: 0, rps: 0, p50Ms: 0, p99Ms: 0 },
          loopDelayMs,
        }
        storm.push(result)
        onProgress({ type: 'storm', variant: result })
      }
    }

    const byName = (name: TargetName) => summaries.find((s) => s.name === name) as TargetSummary
    const report: BenchReport = {
      schema: 'lab-bench/1',
      date: new Date(started).toISOString(),
      command,
      quick: settings.quick,
      durationSeconds: Math.round((Date.now() - started) / 1000),
      settings: {
        quick: settings.quick,
        rounds: settings.rounds,
        duration: settings.duration,
        connections: settings.connections,
        users: settings.users,
        storm: settings.storm,
        stormDuration: settings.stormDuration,
        warmup: 'every route once, half a round long',
        pipelining: 1,
      },
      environment: environment(versions, loadBefore),
      baseline: byName('baseline'),
      probes: summaries.filter((s) => s.kind === 'probe'),
      strategies: STRATEGY_ORDER.map(byName).filter(Boolean),
      storm,
    }
    onProgress({ type: 'phase', phase: 'done', message: `done in ${report.durationSeconds} s` })
    return report
  } finally {
    await api.request('cleanup', { prefix }).catch(() => undefined)
    await api.stop()
  }
}
