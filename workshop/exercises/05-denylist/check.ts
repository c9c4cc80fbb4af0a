import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { Redis } from 'ioredis'
import { sign, verify } from '@lab/jwt-lite'
import { defineExercise, loadModule, SetupError } from '../../src/exercise.ts'
import { REDIS_URL } from '../../src/stores.ts'
import type * as Denylist from './denylist.ts'

interface Context {
  module: typeof Denylist
  /** the client handed to the participant's code: its own key prefix, every command counted */
  redis: Redis
  /** the same Redis without the prefix, for the checker's own inspection */
  inspector: Redis
  prefix: string
  commands: string[]
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

async function connect(options: { keyPrefix?: string } = {}): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, ...options })
  redis.on('error', () => {})
  try {
    await redis.connect()
  } catch {
    throw new SetupError(`exercise 5 needs Redis at ${REDIS_URL} (set REDIS_URL to use another one)`)
  }
  return redis
}

/** Counts the commands `action` sends through the participant's client. */
async function roundTrips(context: Context, action: () => Promise<unknown>): Promise<{ count: number; result: unknown }> {
  context.commands.length = 0
  const result = await action()
  return { count: context.commands.length, result }
}

async function keysOf(context: Context): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, batch] = await context.inspector.scan(cursor, 'MATCH', `${context.prefix}*`, 'COUNT', 1000)
    cursor = next
    keys.push(...batch)
  } while (cursor !== '0')
  return keys
}

export default defineExercise<Context>({
  files: ['denylist.ts'],
  async setup(dir) {
    const module = await loadModule<typeof Denylist>(dir, 'denylist.ts')
    const prefix = `workshop:05:${randomUUID()}:`
    const inspector = await connect()
    const redis = await connect({ keyPrefix: prefix })
    const commands: string[] = []
    const send = redis.sendCommand.bind(redis)
    redis.sendCommand = ((command, stream) => {
      commands.push(command.name.toUpperCase())
      return send(command, stream)
    }) as Redis['sendCommand']
    return { module, redis, inspector, prefix, commands }
  },
  async teardown(context) {
    const keys = await keysOf(context)
    if (keys.length > 0) await context.inspector.del(...keys)
    context.redis.disconnect()
    context.inspector.disconnect()
  },
  checks: [
    {
      name: 'a token nobody revoked is not revoked',
      lookAt: 'isRevoked: a key that does not exist means "not revoked"',
      hint: 1,
      run: async ({ module, redis }) => {
        assert.equal(await module.isRevoked(redis, randomUUID()), false, 'isRevoked of a fresh jti should be false')
      },
    },
    {
      name: 'after revoke, the token is revoked',
      lookAt: 'revoke and isRevoked: the same key for the same jti',
      hint: 1,
      run: async ({ module, redis }) => {
        const jti = randomUUID()
        await module.revoke(redis, jti, nowSeconds() + 120)
        assert.equal(await module.isRevoked(redis, jti), true, 'isRevoked right after revoke should be true')
      },
    },
    {
      name: 'revoking one token leaves the others alone',
      lookAt: 'revoke: the key must contain the jti',
      hint: 1,
      run: async ({ module, redis }) => {
        await module.revoke(redis, randomUUID(), nowSeconds() + 120)
        assert.equal(await module.isRevoked(redis, randomUUID()), false, 'another jti was reported revoked')
      },
    },
    {
      name: 'the revocation is stored in Redis, so every API instance sees it',
      lookAt: 'revoke: write to Redis, not to a variable in your module',
      hint: 2,
      run: async (context) => {
        const jti = randomUUID()
        await context.module.revoke(context.redis, jti, nowSeconds() + 120)
        const other = await connect({ keyPrefix: context.prefix })
        try {
          assert.equal(await context.module.isRevoked(other, jti), true, 'a second connection (another API instance) does not see the revocation')
        } finally {
          other.disconnect()
        }
      },
    },
    {
      name: 'the entry expires when the token does, not later and not never',
      lookAt: 'revoke: SET with EX set to the seconds the token has left',
      hint: 2,
      run: async (context) => {
        const before = new Set(await keysOf(context))
        const exp = nowSeconds() + 90
        await context.module.revoke(context.redis, randomUUID(), exp)
        const written = (await keysOf(context)).filter((key) => !before.has(key))
        assert.equal(written.length, 1, `revoke wrote ${written.length} keys; one per token is enough`)
        const ttl = await context.inspector.ttl(written[0] as string)
        assert.ok(ttl > 0, `the key has no expiry (TTL ${ttl}): the denylist would grow forever`)
        assert.ok(ttl <= 91, `the key lives ${ttl} s, longer than the token's 90 s`)
        assert.ok(ttl >= 85, `the key lives ${ttl} s but the token is valid for 90 s more`)
      },
    },
    {
      name: 'revoking a token that has already expired does not fail, and leaves nothing forever',
      lookAt: 'revoke: what if exp is in the past? (Redis refuses EX 0)',
      hint: 3,
      run: async (context) => {
        const before = new Set(await keysOf(context))
        await context.module.revoke(context.redis, randomUUID(), nowSeconds() - 30)
        for (const key of (await keysOf(context)).filter((k) => !before.has(k))) {
          assert.ok((await context.inspector.ttl(key)) > 0, 'an expired token left a key without expiry')
        }
      },
    },
    {
      name: 'isRevoked costs exactly one round trip, and so does revoke',
      lookAt: 'one command each: EXISTS or GET; SET … EX',
      hint: 2,
      run: async (context) => {
        const jti = randomUUID()
        const check = await roundTrips(context, () => context.module.isRevoked(context.redis, jti))
        assert.equal(check.count, 1, `isRevoked sent ${check.count} commands: ${context.commands.join(', ')}`)
        const write = await roundTrips(context, () => context.module.revoke(context.redis, jti, nowSeconds() + 60))
        assert.equal(write.count, 1, `revoke sent ${write.count} commands: ${context.commands.join(', ')}`)
      },
    },
  ],
  async insight(context) {
    const runs = 500
    const secret = randomBytes(32)
    const token = sign({ sub: 'ada', jti: randomUUID() }, secret, { expiresIn: 60 })
    for (let i = 0; i < runs; i++) verify(token, secret) // warm up
    let start = performance.now()
    for (let i = 0; i < runs; i++) verify(token, secret)
    const verifyUs = ((performance.now() - start) * 1000) / runs
    for (let i = 0; i < 50; i++) await context.module.isRevoked(context.redis, 'warm-up')
    context.commands.length = 0
    start = performance.now()
    for (let i = 0; i < runs; i++) await context.module.isRevoked(context.redis, randomUUID())
    const lookupUs = ((performance.now() - start) * 1000) / runs
    return [
      `Measured now, ${runs} requests each, on this machine:`,
      `  signature check alone (jwt-lite verify): ${verifyUs.toFixed(1)} µs per request, 0 round trips`,
      `  your denylist lookup:                    ${lookupUs.toFixed(1)} µs per request, ${context.commands.length / runs} round trip(s) to Redis`,
      'The lookup is what a Redis session costs too: compare /api/jwt and /api/jwt-denylist in the web lab.',
    ]
  },
})
