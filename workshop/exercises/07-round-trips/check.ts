import assert from 'node:assert/strict'
import { DPOP_STRATEGIES, STRATEGIES, countRoundTrips as reference, type RequestRecord, type StrategyName } from '@lab/contracts'
import { defineExercise, loadModule } from '../../src/exercise.ts'
import { openRecordStream, type RecordStream } from '../../src/records.ts'
import { startLabApi, type LabApi } from '../../src/stores.ts'
import type * as RoundTripsModule from './round-trips.ts'

interface Context {
  module: typeof RoundTripsModule
  api: LabApi
  stream: RecordStream
  measured: Partial<Record<StrategyName, RoundTripsModule.SessionRoundTrips>>
}

const HEADERS = [
  'redis;dur=0.31;desc="GET", auth;dur=0.52, total;dur=1.40',
  'pg;dur=0.92;desc="SELECT sessions", pg;dur=0.40;desc="UPDATE sessions", total;dur=2.1',
  'auth;dur=0.05, total;dur=0.30',
  'redis;dur=0.2;desc="EVALSHA, redis; then EVAL", redis;dur=0.3;desc="SET", pg;dur=1;desc="SELECT users, pg;roles",total;dur=3',
  ' redis ; dur=0.1 ;desc="say \\"hi\\", twice" ,pg;dur=1',
]

/** What a cookie or a bearer header carries; jwt-dpop's requests each need a proof signed by the browser's key, another lesson. */
const MEASURED = STRATEGIES.filter((strategy) => !(DPOP_STRATEGIES as readonly StrategyName[]).includes(strategy))

const tripsOf = (record: RequestRecord | undefined) => ({
  redis: record?.roundTrips.filter((rt) => rt.store === 'redis').length ?? 0,
  pg: record?.roundTrips.filter((rt) => rt.store === 'pg').length ?? 0,
})

export default defineExercise<Context>({
  files: ['round-trips.ts'],
  async setup(dir) {
    const module = await loadModule<typeof RoundTripsModule>(dir, 'round-trips.ts')
    const api = await startLabApi()
    try {
      return { module, api, stream: await openRecordStream(api.url), measured: {} }
    } catch (error) {
      await api.stop()
      throw error
    }
  },
  async teardown({ api, stream }) {
    stream.close()
    await api.stop()
  },
  checks: [
    {
      name: 'countRoundTrips counts redis and pg entries, and nothing else',
      lookAt: 'countRoundTrips: the name of an entry is what comes before its first ";"',
      hint: 1,
      run: ({ module }) => {
        for (const header of HEADERS.slice(0, 3)) assert.deepEqual(module.countRoundTrips(header), reference(header), header)
        assert.deepEqual(module.countRoundTrips(null), { redis: 0, pg: 0 }, 'no header at all')
      },
    },
    {
      name: 'countRoundTrips is not fooled by commas and quotes inside desc',
      lookAt: 'countRoundTrips: split on the commas outside quoted strings only',
      hint: 1,
      run: ({ module }) => {
        for (const header of HEADERS.slice(3)) assert.deepEqual(module.countRoundTrips(header), reference(header), header)
      },
    },
    ...MEASURED.map((strategy) => ({
      name: `${strategy}: login, me and logout succeed and your counts match what the API recorded`,
      lookAt: strategy.startsWith('session') ? 'measureSession: send the session cookie back' : 'measureSession: send the access token as a Bearer header',
      hint: strategy.startsWith('session') ? 2 : 3,
      timeoutMs: 15_000,
      run: async (context: Context) => {
        const seen = context.stream.records.length
        const mine = await context.module.measureSession(context.api.url, strategy)
        await context.stream.waitFor(seen + 3)
        const records = context.stream.records.slice(seen).filter((r) => r.strategy === strategy)
        const step = (name: string) => records.find((r) => r.route.endsWith(`/${name}`))
        assert.equal(step('login')?.statusCode, 200, 'the login did not succeed')
        assert.equal(step('me')?.statusCode, 200, `GET /api/${strategy}/me answered ${step('me')?.statusCode}: the credential did not travel with it`)
        assert.equal(step('logout')?.statusCode, 204, `POST /api/${strategy}/logout answered ${step('logout')?.statusCode}`)
        assert.deepEqual(mine, { login: tripsOf(step('login')), me: tripsOf(step('me')), logout: tripsOf(step('logout')) })
        context.measured[strategy] = mine
      },
    })),
  ],
  async insight({ measured }) {
    const cell = (trips: RoundTripsModule.RoundTrips | undefined) => `${trips?.redis ?? '?'} redis, ${trips?.pg ?? '?'} pg`.padEnd(18)
    return [
      'Your measurement, round trips per request (the API\'s records agree):',
      `  ${'strategy'.padEnd(14)}${'login'.padEnd(18)}${'me (every request)'.padEnd(20)}logout`,
      ...MEASURED.map((s) => `  ${s.padEnd(14)}${cell(measured[s]?.login)}${cell(measured[s]?.me).padEnd(20)}${cell(measured[s]?.logout)}`),
      '"me" is the one that repeats on every request: that is where stateless tokens save, and where a denylist gives it back.',
    ]
  },
})
