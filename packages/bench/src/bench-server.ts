// The API under test, forked by the bench: the built API (@lab/api's public entry, apps/api/dist) with
// its real plugins and stores, plus the limit probes in the same process, behind the same root hooks.
// Configured by the environment, like server.ts; BENCH_HASHING=event-loop is the login storm's only
// departure from production, BENCH_PROBES the probes' options.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import Fastify from 'fastify'
import fp from 'fastify-plugin'
import { hashSync, verifySync } from '@node-rs/argon2'
import app, { serverOptions, type AppConfig, type AppOptions } from '@lab/api/app'
import { loadConfig } from '@lab/api/config'
import { addProbes, type ProbeOptions } from './probes.ts'
import type { Hashing } from '@lab/bench-report'
import type { ReadyMessage, ReplyMessage, RequestMessage, Requests, ServerVersions } from './protocol.ts'

const send = (message: ReadyMessage | ReplyMessage) => process.send?.(message)

const config = loadConfig()
if (!config.databaseUrl || !config.redisUrl) throw new Error('the bench passes DATABASE_URL and REDIS_URL')
const appConfig: AppConfig = { ...config, databaseUrl: config.databaseUrl, redisUrl: config.redisUrl, postgresPoolMax: 10 }

const hashing: Hashing = process.env.BENCH_HASHING === 'event-loop' ? 'event-loop' : 'thread-pool'
// The synchronous calls block the event loop for the whole hash: what the login storm shows.
const eventLoopHasher: NonNullable<AppOptions['passwordHasher']> = {
  hash: async (password, options) => hashSync(password, options),
  verify: async (hashed, password) => verifySync(hashed, password),
}

const fastify = Fastify(serverOptions(appConfig))
// Unwrapped so the probes sit behind the same root hooks as the strategies (as the API's test helper does).
await fastify.register(fp(app), {
  config: appConfig,
  ...(hashing === 'event-loop' ? { passwordHasher: eventLoopHasher } : {}),
})
// The API parses cookies already: the probes use its parser, as the strategies do.
const probes = await addProbes(fastify, JSON.parse(process.env.BENCH_PROBES ?? '') as ProbeOptions, { parseCookies: false })

const loopDelay = monitorEventLoopDelay({ resolution: 10 })
loopDelay.enable()
const ms = (ns: number) => ns / 1e6

async function versions(): Promise<ServerVersions> {
  const info = await fastify.redis.info('server')
  const { rows } = await fastify.pg.query<{ version: string; server_version: string }>(
    'SELECT version() AS version, current_setting(\'server_version\') AS server_version',
  )
  const row = rows[0] as { version: string; server_version: string }
  return {
    fastify: fastify.version,
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    postgres: row.server_version,
    postgresKind: /emscripten|wasm|pglite/i.test(row.version) ? 'embedded' : 'server',
  }
}

const handlers: { [N in keyof Requests]: (args: Requests[N]['args']) => Promise<Requests[N]['result']> } = {
  async 'seed-users'({ prefix, count, password }) {
    // One real argon2id hash through the users service, shared by the rest: seeding costs one hash, not `count`.
    await fastify.users.create(`${prefix}0`, password, 'user')
    await fastify.pg.query(
      `INSERT INTO users (username, password_hash, role)
       SELECT $1 || g, u.password_hash, 'user' FROM users u, generate_series(1, $2::int - 1) g
       WHERE u.username = $1 || '0'`,
      [prefix, count],
    )
    return null
  },
  'seed-probes': ({ prefix, count }) => probes.seed(prefix, count),
  async 'loop-delay'() {
    const delay = { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max), mean: ms(loopDelay.mean) }
    loopDelay.reset()
    return delay
  },
  versions,
  async cleanup({ prefix }) {
    await probes.cleanup(prefix)
    await fastify.pg.query(`DELETE FROM sessions WHERE data->'user'->>'username' LIKE $1 || '%'`, [prefix])
    await fastify.pg.query(`DELETE FROM users WHERE username LIKE $1 || '%'`, [prefix])
    return null
  },
}

process.on('message', (message: RequestMessage) => {
  const handler = handlers[message.name] as (args: unknown) => Promise<unknown>
  handler(message.args).then(
    (result) => send({ id: message.id, result }),
    (error: unknown) => send({ id: message.id, error: (error as Error).message }),
  )
})
// The bench ends us with SIGTERM, or we notice it is gone.
const close = () => fastify.close().finally(() => process.exit(0))
process.on('SIGTERM', close)
process.on('disconnect', close)

await fastify.listen({ host: '127.0.0.1', port: 0 })
const address = fastify.server.address()
send({ ready: true, port: typeof address === 'object' && address ? address.port : 0 })
