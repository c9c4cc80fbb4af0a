import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { ISSUER, audienceOf } from '@lab/api/access-token'
import { countRoundTrips, STRATEGIES, type StrategyName } from '@lab/contracts'
import { headersOf, loginAll, logoutAll, probeCacheHeaders, probeHeaders, type Credential, type Headers } from './credentials.ts'
import { assertAllOk, measure, type MeasuredLoad } from './load.ts'
import { measureOrigin, startOrigin } from './origin.ts'
import { PROBE_PATHS, type ProbeOptions } from './probes.ts'
import type { ServerVersions } from './protocol.ts'
import { startApi, startBare, type ServerProcess } from './server-process.ts'
import { runStorm } from './storm.ts'
import type {
  BenchOptions,
  BenchProgress,
  BenchReport,
  Environment,
  Hashing,
  LimitComparison,
  LimitTarget,
  ProbeName,
  RoundMeasurement,
  TargetName,
  TargetSummary,
} from '@lab/bench-report'

export const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379'

/** The full run `pnpm bench` makes. */
export const FULL: BenchOptions = {
  quick: false,
  rounds: 12,
  duration: 2,
  connections: 100,
  users: 1200,
  storm: true,
  stormDuration: 5,
  origin: { requests: 2000 },
  databaseUrl: DATABASE_URL,
  redisUrl: REDIS_URL,
}

/** `--quick`: the smoke check CI runs beside the other suites, so it is small on purpose, and too short to judge targets. */
export const QUICK: BenchOptions = {
  ...FULL,
  quick: true,
  rounds: 2,
  duration: 0.5,
  connections: 10,
  users: 60,
  // long enough that argon2 on the event loop completes logins on a busy machine too
  stormDuration: 2,
  origin: { requests: 200 },
}

/** Issue 14's targets: a share of the bare process doing the same unavoidable work, medians of one run. */
export const LIMIT_TARGETS = {
  strategy: { reach: 0.65, stretch: 0.75 },
  noAuth: { reach: 0.6, stretch: 0.7 },
} as const

/**
 * SESSION_CACHE_TTL of the API under test: the longest the API accepts, longer than any run, so every
 * `session-cached` request takes the fresh path (its copy trusted, no store) as its probe does.
 */
const SESSION_CACHE_TTL = 3600

type CredentialSet = 'none' | 'probe' | 'probe-cache' | StrategyName

interface ProbeDefinition {
  work: string
  credentials: CredentialSet
  roundTrips: { redis: number; pg: number }
}

const PROBES: Record<ProbeName, ProbeDefinition> = {
  jwt: { work: 'HS256 verify of the bearer token, fast-jwt verifier built once', credentials: 'jwt', roundTrips: { redis: 0, pg: 0 } },
  'jwt+redis': { work: 'HS256 verify + 1 ioredis GET of the jti', credentials: 'jwt-denylist', roundTrips: { redis: 1, pg: 0 } },
  'jwt-cookie': { work: 'HS256 verify of the token in cookie `at`', credentials: 'jwt-cookie', roundTrips: { redis: 0, pg: 0 } },
  'jwt+dpop': {
    work: 'HS256 verify of the DPoP token + jose verify of its Ed25519 proof (htm, htu, ath, cnf.jkt thumbprint) + 1 ioredis SET NX of the jti',
    credentials: 'jwt-dpop',
    roundTrips: { redis: 1, pg: 0 },
  },
  redis: { work: "the session cookie's HMAC (@fastify/cookie's Signer) + 1 ioredis GET of its id", credentials: 'probe', roundTrips: { redis: 1, pg: 0 } },
  pg: { work: "the session cookie's HMAC (@fastify/cookie's Signer) + 1 prepared primary-key SELECT (pg) of its id", credentials: 'probe', roundTrips: { redis: 0, pg: 1 } },
  'session-cache': {
    work: 'HS256 verify of a signed copy in a cookie + SHA-256 of the session cookie it is bound to',
    credentials: 'probe-cache',
    roundTrips: { redis: 0, pg: 0 },
  },
}

/** Each strategy, what its `/me` does, and the probe of the work it cannot avoid. */
const STRATEGY_TARGETS: Record<StrategyName, { probe: ProbeName; work: string }> = {
  session: { probe: 'redis', work: 'signed session cookie, session in Redis' },
  'session-pg': { probe: 'pg', work: 'signed session cookie, session row in Postgres' },
  'session-cached': { probe: 'session-cache', work: 'signed session cookie + fresh signed copy of the session in a cookie (no store)' },
  jwt: { probe: 'jwt', work: 'bearer HS256 access token' },
  'jwt-denylist': { probe: 'jwt+redis', work: 'bearer token + Redis denylist lookup' },
  'jwt-cookie': { probe: 'jwt-cookie', work: 'HS256 access token in an HttpOnly cookie' },
  'jwt-dpop': { probe: 'jwt+dpop', work: 'DPoP-bound HS256 access token + a fresh Ed25519 proof per request, its jti written to Redis' },
}

interface TargetDefinition {
  name: TargetName
  kind: TargetSummary['kind']
  process: TargetSummary['process']
  path: string
  credentials: CredentialSet
  work: string
  probe?: TargetName
  bareProbe?: TargetName
  /** probes use their own uninstrumented clients, so their round trips are known by construction */
  roundTrips?: { redis: number; pg: number }
}

const NO_AUTH = 'no authentication, same JSON answer'

/**
 * Every route of a round, in the order measured: both baselines, then per strategy its bare probe,
 * its probe inside the API and its `/me`, so that what is divided was measured side by side.
 */
const TARGETS: readonly TargetDefinition[] = [
  { name: 'bare:baseline', kind: 'baseline', process: 'bare', path: PROBE_PATHS.baseline, credentials: 'none', work: NO_AUTH, roundTrips: { redis: 0, pg: 0 } },
  { name: 'baseline', kind: 'baseline', process: 'api', path: PROBE_PATHS.baseline, credentials: 'none', work: NO_AUTH, roundTrips: { redis: 0, pg: 0 } },
  ...STRATEGIES.flatMap((strategy): TargetDefinition[] => {
    const { probe, work } = STRATEGY_TARGETS[strategy]
    const { work: probeWork, credentials, roundTrips } = PROBES[probe]
    const probeTarget = { kind: 'probe', path: PROBE_PATHS[probe], credentials, work: probeWork, roundTrips } as const
    return [
      { ...probeTarget, name: `bare:${probe}`, process: 'bare' },
      { ...probeTarget, name: `probe:${probe}`, process: 'api' },
      { name: strategy, kind: 'strategy', process: 'api', path: `/api/${strategy}/me`, credentials: strategy, work, probe: `probe:${probe}`, bareProbe: `bare:${probe}` },
    ]
  }),
]

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** The environment of the API under test and the probes' options, with fresh secrets: what a run (or a test) starts its servers with. */
export function serverSetup(stores: Pick<BenchOptions, 'databaseUrl' | 'redisUrl'>): { env: Record<string, string>; probes: ProbeOptions } {
  const jwtSecret = randomBytes(48).toString('base64url')
  const env = {
    LAB_PROFILE: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: stores.databaseUrl,
    REDIS_URL: stores.redisUrl,
    JWT_SECRET: jwtSecret,
    SESSION_SECRET: randomBytes(48).toString('base64url'),
    // Long enough that no credential expires during a run.
    ACCESS_TOKEN_TTL: '3600',
    SESSION_TTL: '3600',
    SESSION_CACHE_TTL: String(SESSION_CACHE_TTL),
    // The storm logs in far faster than people from one address: the per-client limit would answer 429.
    CLIENT_RATE_LIMIT: '1000000',
    SEED_DEMO_USERS: 'false',
    LOG_LEVEL: 'warn',
  }
  const probes: ProbeOptions = {
    jwtSecret,
    issuer: ISSUER,
    audiences: { jwt: audienceOf('jwt'), 'jwt+redis': audienceOf('jwt-denylist'), 'jwt-cookie': audienceOf('jwt-cookie'), 'jwt+dpop': audienceOf('jwt-dpop') },
    cacheKey: randomBytes(32).toString('base64url'),
    cookieSecret: randomBytes(48).toString('base64url'),
    redisUrl: stores.redisUrl,
    databaseUrl: stores.databaseUrl,
    postgresPoolMax: 10,
  }
  return { env, probes }
}

function environment(versions: ServerVersions, loadBefore: number): Environment {
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

/** A quick run is a smoke check: its figures are too few to judge a target by. */
function verdict(ratio: number, target: { reach: number; stretch: number }, quick: boolean): LimitTarget {
  const judged = ratio >= target.stretch ? 'stretch reached' : ratio >= target.reach ? 'reached' : 'missed'
  return { ...target, verdict: quick ? 'not judged' : judged }
}

export interface RunBenchOptions extends Partial<BenchOptions> {
  /** the command line to record in the report */
  command?: string
  signal?: AbortSignal
}

/**
 * Runs the benchmark and returns its report: the built API forked with its real plugins and stores
 * and the in-app limit probes, a bare Fastify forked with the same probes alone (the physical limit),
 * every route measured in interleaved rounds, then the login storm and the web origin's added
 * latency (skipped with --no-origin, or when jwt is not measured). Rejects (FailedRequestsError) on any non-2xx, error or timeout.
 * `onProgress` receives each step, for a CLI line or a progress bar.
 */
export async function runBench(options: RunBenchOptions = {}, onProgress: (event: BenchProgress) => void = () => {}): Promise<BenchReport> {
  const { command = 'runBench()', signal, ...overrides } = options
  const settings: BenchOptions = { ...(overrides.quick ? QUICK : FULL), ...overrides }
  const started = Date.now()
  const loadBefore = os.loadavg()[0] as number
  const { env, probes } = serverSetup(settings)
  const only = settings.only
  const targets = only
    ? TARGETS.filter((t) => t.kind === 'baseline' || only.includes(t.name) || STRATEGIES.some((s) => only.includes(s) && (t.name === `probe:${STRATEGY_TARGETS[s].probe}` || t.name === `bare:${STRATEGY_TARGETS[s].probe}`)))
    : TARGETS
  const prefix = `bench-${randomBytes(6).toString('hex')}-`
  const password = randomBytes(12).toString('base64url')
  const checkAborted = () => signal?.throwIfAborted()
  const profiles = settings.cpuProfDir ? { cpuProfDir: settings.cpuProfDir } : {}
  const start = (hashing: Hashing, uvThreadpoolSize: number) => startApi({ env, probes, hashing, uvThreadpoolSize, ...profiles })

  onProgress({ type: 'phase', phase: 'start', message: 'starting the API under test (@lab/api) and the bare Fastify' })
  const api = await start('thread-pool', 4)
  let bare: ServerProcess | undefined
  try {
    bare = await startBare(probes, settings.cpuProfDir)
    const servers = { api, bare }
    const versions = await api.request('versions', null)

    onProgress({ type: 'phase', phase: 'seed', message: `seeding ${settings.users} users and logging each strategy's share in` })
    await api.request('seed-users', { prefix, count: settings.users, password })
    const usernames = Array.from({ length: settings.users }, (_, i) => `${prefix}${i}`)
    const share = Math.floor(settings.users / STRATEGIES.length)
    const credentials = new Map<CredentialSet, Credential[]>([['none', [{}]]])
    for (const [i, strategy] of STRATEGIES.entries()) {
      checkAborted()
      credentials.set(strategy, await loginAll(api.baseUrl, strategy, usernames.slice(i * share, (i + 1) * share), password))
    }
    const seeded = await api.request('seed-probes', { prefix, count: share })
    credentials.set('probe', probeHeaders(seeded))
    credentials.set('probe-cache', probeCacheHeaders(seeded))
    const credentialsOf = (target: TargetDefinition) => credentials.get(target.credentials) as Credential[]

    const roundTrips = new Map<TargetName, { redis: number; pg: number }>()
    for (const target of targets) {
      const url = servers[target.process].baseUrl + target.path
      const response = await fetch(url, { headers: headersOf(credentialsOf(target)[0] as Credential, 'GET', url) })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`${target.name} (${target.path}) answered ${response.status} before the run`)
      roundTrips.set(target.name, target.roundTrips ?? countRoundTrips(response.headers.get('server-timing')))
    }

    const run = (target: TargetDefinition, duration: number) =>
      measure(servers[target.process], { path: target.path, headers: credentialsOf(target), connections: settings.connections, duration })

    onProgress({ type: 'phase', phase: 'warmup', message: 'warming up every route' })
    for (const target of targets) {
      checkAborted()
      assertAllOk(`warm-up of ${target.name}`, await run(target, Math.max(0.5, settings.duration / 2)))
    }

    onProgress({ type: 'phase', phase: 'rounds', message: `${settings.rounds} rounds of ${targets.length} routes, order reversed every other round` })
    const results = new Map<TargetName, Array<MeasuredLoad & { round: number }>>(targets.map((t) => [t.name, []]))
    const baselineOf = (target: TargetDefinition): TargetName => (target.process === 'bare' ? 'bare:baseline' : 'baseline')
    const inRound = (name: TargetName, round: number) => results.get(name)?.find((r) => r.round === round)
    const steps = settings.rounds * targets.length
    let step = 0
    for (let round = 1; round <= settings.rounds; round++) {
      const order = round % 2 === 1 ? targets : [...targets].reverse()
      for (const target of order) {
        checkAborted()
        const result = await run(target, settings.duration)
        assertAllOk(`${target.name} in round ${round}`, result)
        results.get(target.name)?.push({ ...result, round })
        const baseline = inRound(baselineOf(target), round)
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

    const summaries = new Map(
      targets.map((target): [TargetName, TargetSummary] => {
        const rounds = (results.get(target.name) ?? []).map((r): RoundMeasurement => {
          const baseline = inRound(baselineOf(target), r.round) as MeasuredLoad
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
        return [
          target.name,
          {
            name: target.name,
            kind: target.kind,
            process: target.process,
            method: 'GET',
            path: target.path,
            work: target.work,
            ...(target.probe ? { probe: target.probe } : {}),
            ...(target.bareProbe ? { bareProbe: target.bareProbe } : {}),
            credentials: credentialsOf(target).length,
            roundTrips: roundTrips.get(target.name) ?? { redis: 0, pg: 0 },
            ratio: median(ratios),
            ratioMin: Math.min(...ratios),
            ratioMax: Math.max(...ratios),
            cpuRatio: median(rounds.map((r) => r.cpuRatio)),
            rps: median(rounds.map((r) => r.rps)),
            p50Ms: median(rounds.map((r) => r.p50Ms)),
            p99Ms: median(rounds.map((r) => r.p99Ms)),
            cpuMicrosPerRequest: median(rounds.map((r) => r.cpuMicrosPerRequest)),
            rounds,
          },
        ]
      }),
    )

    /** Median over rounds of (`route` req/s ÷ `limit` req/s in the same round), with the range and the CPU ratio. */
    const divide = (route: TargetName, limit: TargetName) => {
      const rounds = (results.get(route) ?? []).map((r) => {
        const l = inRound(limit, r.round) as MeasuredLoad
        return { round: r.round, ratio: r.rps / l.rps, cpuRatio: l.cpuMicrosPerRequest / r.cpuMicrosPerRequest }
      })
      const ratios = rounds.map((r) => r.ratio)
      return { ratio: median(ratios), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios), cpuRatio: median(rounds.map((r) => r.cpuRatio)), rounds }
    }
    const cpuOf = (name: TargetName) => (summaries.get(name) as TargetSummary).cpuMicrosPerRequest
    /** A route inside the API against the bare process doing the same work. */
    const compare = (
      name: LimitComparison['name'],
      route: TargetName,
      bareProbe: TargetName,
      target: { reach: number; stretch: number },
      inAppProbe?: TargetName,
    ): LimitComparison => {
      const { rounds, ...shares } = divide(route, bareProbe)
      return {
        name,
        route,
        bareProbe,
        ...shares,
        ...(inAppProbe ? { inAppProbe, inAppProbeRatio: divide(inAppProbe, bareProbe).ratio } : {}),
        cpuMicrosPerRequest: { route: cpuOf(route), ...(inAppProbe ? { inAppProbe: cpuOf(inAppProbe) } : {}), bareProbe: cpuOf(bareProbe) },
        target: verdict(shares.ratio, target, settings.quick),
        rounds,
      }
    }
    const measuredStrategies = STRATEGIES.filter((s) => summaries.has(s))
    const noAuth = compare('no auth', 'baseline', 'bare:baseline', LIMIT_TARGETS.noAuth)

    onProgress({ type: 'phase', phase: 'cleanup', message: 'logging the sessions out' })
    for (const strategy of ['session', 'session-pg', 'session-cached'] as const) await logoutAll(api.baseUrl, strategy, (credentials.get(strategy) ?? []) as Headers[])
    await bare.stop()

    const storm = settings.storm
      ? await runStorm({
          settings,
          start,
          jwtHeaders: credentials.get('jwt') as Headers[],
          loginBodies: usernames.map((username) => JSON.stringify({ username, password })),
          onProgress,
          checkAborted,
        })
      : []

    let origin: BenchReport['origin']
    const jwtHeaders = credentials.get('jwt')?.[0] as Headers | undefined
    if (settings.origin && jwtHeaders) {
      onProgress({ type: 'phase', phase: 'origin', message: 'the web origin in front of the API: a jwt /me through it and directly' })
      const web = await startOrigin(api.baseUrl)
      try {
        origin = await measureOrigin({
          ...settings.origin,
          origin: web.url,
          api: api.baseUrl,
          // A JWT's /me: no store round trip, so what differs between the two paths is the path itself.
          path: '/api/jwt/me',
          headers: jwtHeaders,
          connections: settings.connections,
          duration: settings.duration,
          quick: settings.quick,
          ...(signal ? { signal } : {}),
        })
      } finally {
        await web.stop()
      }
    }

    const summary = (name: TargetName) => summaries.get(name) as TargetSummary
    const ofKind = (process: TargetSummary['process'], kind: TargetSummary['kind']) =>
      [...summaries.values()].filter((s) => s.process === process && s.kind === kind)
    const report: BenchReport = {
      schema: 'lab-bench/2',
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
        warmup: `every route once, ${Math.max(0.5, settings.duration / 2)} s`,
        pipelining: 1,
        sessionCacheTtl: SESSION_CACHE_TTL,
        sessionCachedPath: 'fresh',
      },
      environment: environment(versions, loadBefore),
      baseline: summary('baseline'),
      probes: ofKind('api', 'probe'),
      strategies: measuredStrategies.map(summary),
      bare: { baseline: summary('bare:baseline'), probes: ofKind('bare', 'probe') },
      limit: {
        noAuth,
        strategies: measuredStrategies.map((s) => {
          const target = summary(s)
          return compare(s, s, target.bareProbe as TargetName, LIMIT_TARGETS.strategy, target.probe)
        }),
        platformTaxMicros: summary('baseline').cpuMicrosPerRequest - summary('bare:baseline').cpuMicrosPerRequest,
      },
      storm,
      ...(origin ? { origin } : {}),
    }
    onProgress({ type: 'phase', phase: 'done', message: `done in ${report.durationSeconds} s` })
    return report
  } finally {
    await bare?.stop()
    await api.request('cleanup', { prefix }).catch(() => undefined)
    await api.stop()
  }
}
