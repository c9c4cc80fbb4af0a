import type { Headers } from './credentials.ts'
import { assertAllOk, load } from './load.ts'
import type { ServerProcess } from './server-process.ts'
import type { BenchOptions, BenchProgress, Hashing, StormVariant } from '@lab/bench-report'

export interface StormOptions {
  settings: BenchOptions
  /** starts an API under test hashing passwords this way */
  start: (hashing: Hashing, uvThreadpoolSize: number) => Promise<ServerProcess>
  /** `jwt` credentials for the clients calling `/me`, login bodies for the others */
  jwtHeaders: readonly Headers[]
  loginBodies: readonly string[]
  onProgress: (event: BenchProgress) => void
  checkAborted: () => void
}

/** The login storm: argon2id logins while other clients call `/me`, each variant in an API process of its own. */
export async function runStorm({ settings, start, jwtHeaders, loginBodies, onProgress, checkAborted }: StormOptions): Promise<StormVariant[]> {
  const logins = settings.quick ? 4 : 8
  const variants: Array<Pick<StormVariant, 'name' | 'hashing' | 'uvThreadpoolSize' | 'loginConnections'>> = [
    ...(settings.quick ? [] : [{ name: 'no logins (reference)', hashing: 'thread-pool' as const, uvThreadpoolSize: 4, loginConnections: 0 }]),
    { name: 'argon2 on the thread pool, UV_THREADPOOL_SIZE=4', hashing: 'thread-pool', uvThreadpoolSize: 4, loginConnections: logins },
    ...(settings.quick ? [] : [{ name: 'argon2 on the thread pool, UV_THREADPOOL_SIZE=1', hashing: 'thread-pool' as const, uvThreadpoolSize: 1, loginConnections: logins }]),
    { name: 'argon2 on the event loop (hashSync/verifySync)', hashing: 'event-loop', uvThreadpoolSize: 4, loginConnections: logins },
  ]
  const storm: StormVariant[] = []
  for (const variant of variants) {
    checkAborted()
    onProgress({ type: 'phase', phase: 'storm', message: `login storm: ${variant.name}` })
    const api = await start(variant.hashing, variant.uvThreadpoolSize)
    try {
      const me = { path: '/api/jwt/me', headers: jwtHeaders, connections: 10, duration: settings.stormDuration }
      assertAllOk('storm warm-up', await load(api.baseUrl, { ...me, duration: Math.min(1, settings.stormDuration) }))
      await api.request('loop-delay', null)
      const [meResult, loginResult] = await Promise.all([
        load(api.baseUrl, me),
        variant.loginConnections > 0
          ? load(api.baseUrl, {
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
    } finally {
      await api.stop()
    }
  }
  return storm
}
