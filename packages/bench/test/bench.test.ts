// The smoke check CI runs: a quick bench end to end, asserting the report's completeness, never its speed.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import { STRATEGIES } from '@lab/contracts'
import { assertAllOk, FailedRequestsError, load } from '../src/load.ts'
import { DATABASE_URL, REDIS_URL, serverSetup } from '../src/run.ts'
import { startApi, type ServerProcess } from '../src/server-process.ts'
import type { BenchProgress, BenchReport } from '@lab/bench-report'

const cli = new URL('../src/cli.ts', import.meta.url)

// One production API for the 401 test.
let api: ServerProcess
before(async () => {
  api = await startApi({ ...serverSetup({ databaseUrl: DATABASE_URL, redisUrl: REDIS_URL }), hashing: 'thread-pool', uvThreadpoolSize: 4 })
})
after(() => api.stop())

test('pnpm bench --quick writes a complete report: every strategy beside its probe in the API and its bare probe, the platform tax, the storm, the origin step', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'lab-bench-'))
  t.after(() => rm(out, { recursive: true, force: true }))
  const originRequests = 50
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [cli.pathname, '--quick', '--json-progress', '--out', out, '--origin-requests', String(originRequests)],
    { maxBuffer: 64 * 1024 * 1024 },
  )
  const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as BenchProgress | { type: 'report'; report: BenchReport })
  const report = JSON.parse(await readFile(join(out, 'quick.json'), 'utf8')) as BenchReport

  assert.equal(report.schema, 'lab-bench/2')
  assert.equal(report.quick, true)
  assert.match(report.command, /^pnpm bench --quick/)
  for (const key of ['node', 'openssl', 'fastify', 'redis', 'postgres', 'cpuModel'] as const) assert.ok(report.environment[key], key)
  assert.ok(['server', 'embedded'].includes(report.environment.postgresKind))
  assert.ok(report.environment.cores >= 1 && report.environment.memoryGiB >= 1)
  assert.equal(report.settings.sessionCachedPath, 'fresh')
  assert.ok(report.settings.sessionCacheTtl >= 3600, 'no session-cached copy goes stale during the run')

  // Every route measured in every round, in its own process, against that process's baseline.
  const targets = [report.baseline, ...report.probes, ...report.strategies, report.bare.baseline, ...report.bare.probes]
  for (const target of targets) {
    assert.equal(target.rounds.length, report.settings.rounds, `${target.name}: one measurement per round`)
    for (const value of [target.ratio, target.cpuRatio, target.rps, target.p50Ms, target.p99Ms, target.cpuMicrosPerRequest]) {
      assert.ok(Number.isFinite(value) && value >= 0, `${target.name}: ${value}`)
    }
    assert.ok(target.ratioMin <= target.ratio && target.ratio <= target.ratioMax)
    assert.equal(target.process, target.name.startsWith('bare:') ? 'bare' : 'api', target.name)
  }
  assert.equal(report.baseline.ratio, 1)
  assert.equal(report.bare.baseline.ratio, 1)

  assert.deepEqual(report.strategies.map((s) => s.name), [...STRATEGIES])
  const inApp = new Map(report.probes.map((p) => [p.name, p]))
  const bare = new Map(report.bare.probes.map((p) => [p.name, p]))
  for (const strategy of report.strategies) {
    assert.ok(strategy.probe && inApp.has(strategy.probe), `${strategy.name} has its probe in the API`)
    assert.ok(strategy.bareProbe && bare.has(strategy.bareProbe), `${strategy.name} has its bare probe`)
    assert.equal(strategy.bareProbe.replace('bare:', ''), strategy.probe.replace('probe:', ''), `${strategy.name}: the same work in both processes`)
  }
  // Round trips come from the strategies' own Server-Timing: the contract's table (session-cached on its fresh path).
  assert.deepEqual(Object.fromEntries(report.strategies.map((s) => [s.name, s.roundTrips])), {
    session: { redis: 1, pg: 0 },
    'session-pg': { redis: 0, pg: 1 },
    'session-cached': { redis: 0, pg: 0 },
    jwt: { redis: 0, pg: 0 },
    'jwt-denylist': { redis: 1, pg: 0 },
    'jwt-cookie': { redis: 0, pg: 0 },
    'jwt-dpop': { redis: 1, pg: 0 },
  })

  // Against the physical limit: every strategy and the no-auth route, with both CPU figures and the targets, not judged on a smoke check.
  const { limit } = report
  assert.deepEqual(limit.strategies.map((c) => c.name), [...STRATEGIES])
  for (const comparison of [limit.noAuth, ...limit.strategies]) {
    const route = targets.find((t) => t.name === comparison.route)
    const bareProbe = targets.find((t) => t.name === comparison.bareProbe)
    assert.ok(route && bareProbe && bareProbe.process === 'bare', comparison.name)
    assert.equal(comparison.rounds.length, report.settings.rounds)
    const medianOfRounds = [...comparison.rounds.map((r) => r.ratio)].sort((a, b) => a - b)
    assert.equal(comparison.ratio, (medianOfRounds[0]! + medianOfRounds[1]!) / 2, `${comparison.name}: median of the two rounds`)
    assert.equal(comparison.cpuMicrosPerRequest.route, route.cpuMicrosPerRequest)
    assert.equal(comparison.cpuMicrosPerRequest.bareProbe, bareProbe.cpuMicrosPerRequest)
    assert.ok(comparison.cpuMicrosPerRequest.route > 0 && comparison.cpuMicrosPerRequest.bareProbe > 0, comparison.name)
    assert.equal(comparison.target.verdict, 'not judged')
  }
  assert.deepEqual({ ...limit.noAuth.target, verdict: undefined }, { reach: 0.6, stretch: 0.7, verdict: undefined })
  for (const comparison of limit.strategies) {
    assert.deepEqual([comparison.target.reach, comparison.target.stretch], [0.65, 0.75])
    assert.ok(Number.isFinite(comparison.inAppProbeRatio) && Number.isFinite(comparison.cpuMicrosPerRequest.inAppProbe), comparison.name)
  }
  assert.equal(limit.platformTaxMicros, report.baseline.cpuMicrosPerRequest - report.bare.baseline.cpuMicrosPerRequest)

  assert.deepEqual(report.storm.map((v) => v.hashing).sort(), ['event-loop', 'thread-pool'])
  for (const variant of report.storm) {
    assert.ok(variant.logins.requests > 0 && variant.me.requests > 0, variant.name)
    assert.ok(variant.loopDelayMs.max >= variant.loopDelayMs.p99 && variant.loopDelayMs.p99 > 0)
  }

  // The origin step started the built web origin in front of the API: sequential calls each way, then load each way.
  const origin = report.origin
  assert.ok(origin)
  assert.notEqual(origin.origin, origin.api)
  assert.equal(origin.path, '/api/jwt/me')
  assert.equal(origin.sequential.requests, originRequests)
  for (const latency of [origin.sequential.direct, origin.sequential.origin, origin.underLoad.direct, origin.underLoad.origin]) {
    assert.ok(latency.p50Ms > 0 && latency.p99Ms >= latency.p50Ms && latency.meanMs > 0, JSON.stringify(latency))
  }
  assert.ok(origin.underLoad.direct.rps > 0 && origin.underLoad.origin.rps > 0)
  assert.equal(origin.target.verdict, 'not judged')

  const measurements = events.filter((e) => e.type === 'measurement')
  assert.equal(measurements.length, report.settings.rounds * targets.length)
  assert.equal(events.at(-1)?.type, 'report')

  const markdown = await readFile(join(out, 'quick.md'), 'utf8')
  assert.match(markdown, /Smoke check/)
  for (const name of ['no auth', ...STRATEGIES]) assert.match(markdown, new RegExp(`\\| ${name} \\| .* \\| ≥ 0\\.\\d+ \\(stretch 0\\.\\d+\\) \\| not judged \\(smoke check\\) \\|`), name)
  assert.doesNotMatch(markdown, /\b(missed|reached)\b/, 'a smoke check judges no target')
  assert.match(markdown, /platform tax: -?\d+ µs of CPU per request/)
  assert.match(markdown, /Login storm/)
  assert.match(markdown, /web origin's added latency/)
  assert.match(await readFile(join(out, 'quick.svg'), 'utf8'), /^<svg [^>]*>[\s\S]*Smoke check[\s\S]*<\/svg>\n$/)
})

test('a route answering 401 fails the run instead of flattering its throughput', async () => {
  const result = await load(api.baseUrl, { path: '/api/jwt/me', headers: [{ authorization: 'Bearer not-a-token' }], connections: 2, duration: 1 })
  assert.ok(result.requests > 0)
  assert.equal(result.non2xx, result.requests)
  assert.throws(() => assertAllOk('jwt', result), FailedRequestsError)
})
