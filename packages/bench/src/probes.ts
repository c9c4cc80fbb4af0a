import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type {} from '@fastify/cookie'
import { createVerifier } from 'fast-jwt'
import { Redis } from 'ioredis'
import pg from 'pg'
import { MeResponseSchema, type MeResponse, type User } from '@lab/contracts'

/** The routes of the limit probes, next to the no-auth baseline every round is divided by. */
export const PROBE_PATHS = {
  baseline: '/bench/baseline',
  jwt: '/bench/probe/jwt',
  'jwt+redis': '/bench/probe/jwt-redis',
  redis: '/bench/probe/redis',
  pg: '/bench/probe/pg',
} as const

/** The cookie carrying a probe's opaque id (256 random bits, unsigned). */
export const PROBE_COOKIE = 'probe'

const REDIS_PREFIX = 'lab:bench:probe:'
const DENY_PREFIX = 'lab:bench:deny:'
const SID_PREFIX = 'bench-probe-'
const BASELINE_USER: User = { id: '00000000-0000-4000-8000-000000000000', username: 'baseline', role: 'user' }

export interface ProbeOptions {
  jwtSecret: string
  issuer: string
  audience: string
  redisUrl: string
  databaseUrl: string
  postgresPoolMax: number
}

/** Seeds and removes the ids the store probes look up; ids start with the run's prefix, so any process of the run can clean up. */
export interface ProbeSeeds {
  /** Stores `count` opaque ids in Redis and in Postgres' sessions table. */
  seed(prefix: string, count: number): Promise<string[]>
  cleanup(prefix: string): Promise<void>
}

class ProbeFailure extends Error {
  readonly statusCode = 401
}

const meResponse = { schema: { response: { 200: MeResponseSchema } } }

/**
 * Minimal routes doing only the work a strategy cannot avoid, in the same process and behind the
 * same root hooks as the strategies: an HS256 verification with a fast-jwt verifier built once; one
 * ioredis GET; one prepared primary-key SELECT with pg. Their clients are their own, without the
 * lab's round-trip instrumentation, which belongs to what the strategies add.
 */
export async function addProbes(fastify: FastifyInstance, options: ProbeOptions): Promise<ProbeSeeds> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 })
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.postgresPoolMax })
  const verify = createVerifier({
    key: options.jwtSecret,
    algorithms: ['HS256'],
    allowedIss: options.issuer,
    allowedAud: options.audience,
    requiredClaims: ['exp', 'iat', 'sub', 'jti', 'iss', 'aud'],
  })
  const claimsOf = (request: FastifyRequest) => {
    const header = request.headers.authorization ?? ''
    return verify(header.slice('Bearer '.length)) as { sub: string; jti: string; username: string; role: User['role'] }
  }
  const probeId = (request: FastifyRequest) => {
    const id = request.cookies[PROBE_COOKIE]
    if (!id) throw new ProbeFailure('probe cookie missing')
    return id
  }

  await fastify.register(
    async (scope) => {
      scope.get('/baseline', meResponse, async (): Promise<MeResponse> => ({ user: BASELINE_USER, strategy: 'jwt' }))

      scope.get('/probe/jwt', meResponse, async (request): Promise<MeResponse> => {
        const { sub, username, role } = claimsOf(request)
        return { user: { id: sub, username, role }, strategy: 'jwt' }
      })

      scope.get('/probe/jwt-redis', meResponse, async (request): Promise<MeResponse> => {
        const { sub, jti, username, role } = claimsOf(request)
        if ((await redis.get(DENY_PREFIX + jti)) !== null) throw new ProbeFailure('denied')
        return { user: { id: sub, username, role }, strategy: 'jwt-denylist' }
      })

      scope.get('/probe/redis', meResponse, async (request): Promise<MeResponse> => {
        const json = await redis.get(REDIS_PREFIX + probeId(request))
        if (json === null) throw new ProbeFailure('unknown id')
        return { user: JSON.parse(json) as User, strategy: 'session' }
      })

      scope.get('/probe/pg', meResponse, async (request): Promise<MeResponse> => {
        const { rows } = await pool.query<{ data: { user: User } }>({
          name: 'bench probe SELECT sessions',
          text: 'SELECT data FROM sessions WHERE sid = $1 AND expires_at > now()',
          values: [SID_PREFIX + probeId(request)],
        })
        const row = rows[0]
        if (!row) throw new ProbeFailure('unknown id')
        return { user: row.data.user, strategy: 'session-pg' }
      })
    },
    { prefix: '/bench' },
  )

  fastify.addHook('onClose', async () => {
    await Promise.allSettled([redis.quit(), pool.end()])
  })

  return {
    async seed(prefix, count) {
      const ids = Array.from({ length: count }, () => prefix + randomBytes(32).toString('base64url'))
      const users = ids.map((_, i): User => ({ id: BASELINE_USER.id, username: `probe-${i}`, role: 'user' }))
      const pipeline = redis.pipeline()
      ids.forEach((id, i) => pipeline.set(REDIS_PREFIX + id, JSON.stringify(users[i]), 'EX', 3600))
      await pipeline.exec()
      await pool.query(
        `INSERT INTO sessions (sid, data, expires_at)
         SELECT $1 || id, jsonb_build_object('user', u), now() + interval '1 hour'
         FROM unnest($2::text[], $3::jsonb[]) AS t(id, u)`,
        [SID_PREFIX, ids, users.map((user) => JSON.stringify(user))],
      )
      return ids
    },
    async cleanup(prefix) {
      for await (const keys of redis.scanStream({ match: `${REDIS_PREFIX}${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await redis.del(...keys)
      }
      await pool.query(`DELETE FROM sessions WHERE sid LIKE $1 || '%'`, [SID_PREFIX + prefix])
    },
  }
}
