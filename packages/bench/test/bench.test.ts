// The smoke check CI runs: a quick bench end to end, asserting the report's shape, never its speed.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { STRATEGIES } from '@lab/contracts'
import { ApiProcess } from '../src/api-process.ts'
import { assertAllOk, FailedRequestsError, load } from '../src/load.ts'
import { DATABASE_URL, REDIS_URL } from '../src/run.ts'
import type { BenchProgress, BenchReport } from '../src/types.ts'

const cli = new URL('../src/cli.ts', import.meta.url)

test('pnpm bench --quick writes a complete report: every strategy beside its probe, the storm, the environment', async (t) => {
  const out = await mkdtemp(join(tmpdir(), 'lab-bench-'))
  t.after(() => rm(out, { recursive: true, force: true }))
  const { stdout } = await promisify(execFile)(process.execPath, [cli.pathname, '--quick', '--json-progress', '--out', out], {
    maxBuffer: 64 * 1024 * 1024,
  })
  const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as BenchProgress | { type: 'report'; report: BenchReport })
  const report = JSON.parse(await readFile(join(out, 'quick.json'), 'utf8')) as BenchReport

  assert.equal(report.schema, 'lab-bench/1')
  assert.equal(report.quick, true)
  assert.match(report.command, /^pnpm bench --quick/)
  for (const key of ['node', 'openssl', 'redis', 'postgres', 'cpuModel'] as const) assert.ok(report.environment[key], key)
  assert.ok(['server', 'embedded'].includes(report.environment.postgresKind))
  assert.ok(report.environment.cores >= 1 && report.environment.memoryGiB >= 1)

  assert.deepEqual(report.strategies.map((s) => s.name).sort(), [...STRATEGIES].sort())
  const probes = new Map(report.probes.map((p) => [p.name, p]))
  for (const target of [report.baseline, ...report.probes, ...report.strategies]) {
    assert.equal(target.rounds.length, report.settings.rounds, `${target.name}: one measurement per round`)
    for (const value of [target.ratio, target.cpuRatio, target.rps, target.p50Ms, target.p99Ms, target.cpuMicrosPerRequest]) {
      assert.ok(Number.isFinite(value) && value >= 0, `${target.name}: ${value}`)
    }
    assert.ok(target.ratioMin <= target.ratio && target.ratio <= target.ratioMax)
  }
  assert.equal(report.baseline.ratio, 1)
  for (const strategy of report.strategies) {
    assert.ok(strategy.probe && probes.has(strategy.probe), `${strategy.name} has its probe`)
    assert.ok(strategy.target && ['stretch', 'reach', 'missed'].includes(strategy.target.met))
  }
  // Round trips come from the strategies' own Server-Timing: the contract's table.
  const trips = Object.fromEntries(report.strategies.map((s) => [s.name, s.roundTrips]))
  assert.deepEqual(trips, {
    session: { redis: 1, pg: 0 },
    'session-pg': { redis: 0, pg: 1 },
    jwt: { redis: 0, pg: 0 },
    'jwt-denylist': { redis: 1, pg: 0 },
  })

  assert.deepEqual(report.storm.map((v) => v.hashing).sort(), ['event-loop', 'thread-pool'])
  for (const variant of report.storm) {
    assert.ok(variant.logins.requests > 0 && variant.me.requests > 0, variant.name)
    assert.ok(variant.loopDelayMs.max >= variant.loopDelayMs.p99 && variant.loopDelayMs.p99 > 0)
  }

  const measurements = events.filter((e) => e.type === 'measurement')
  assert.equal(measurements.length, report.settings.rounds * (1 + report.probes.length + report.strategies.length))
  assert.equal(events.at(-1)?.type, 'report')

  const markdown = await readFile(join(out, 'quick.md'), 'utf8')
  for (const name of STRATEGIES) assert.match(markdown, new RegExp(`\\| ${name} \\|`))
  assert.match(markdown, /Login storm/)
  assert.match(await readFile(join(out, 'quick.svg'), 'utf8'), /^<svg [^>]*>[\s\S]*<\/svg>\n$/)
})

test('a route answering 401 fails the run instead of flattering its throughput', async (t) => {
  const api = await ApiProcess.start({
    env: {
      LAB_PROFILE: 'production',
      PORT: '0',
      DATABASE_URL,
      REDIS_URL,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      SESSION_SECRET: randomBytes(48).toString('base64url'),
      LOG_LEVEL: 'warn',
    },
    hashing: 'thread-pool',
    uvThreadpoolSize: 4,
  })
  t.after(() => api.stop())
  const result = await load(api, { path: '/api/jwt/me', headers: [{ authorization: 'Bearer not-a-token' }], connections: 2, duration: 1 })
  assert.equal(result.non2xx, result.requests)
  assert.throws(() => assertAllOk('jwt', result), FailedRequestsError)
})
