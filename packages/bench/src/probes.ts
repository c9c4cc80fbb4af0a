import { createHash, randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import cookie, { Signer } from '@fastify/cookie'
import { createSigner, createVerifier } from 'fast-jwt'
import { Redis } from 'ioredis'
import pg from 'pg'
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify, type JWK } from 'jose'
import { ACCESS_TOKEN_COOKIE, DPOP_ALGORITHMS, DPOP_PROOF_TYPE, MeResponseSchema, type MeResponse, type User } from '@lab/contracts'
import type { ProbeName } from '@lab/bench-report'

/** The routes of the limit probes, next to the no-auth baseline. */
export const PROBE_PATHS = {
  baseline: '/bench/baseline',
  jwt: '/bench/probe/jwt',
  'jwt+redis': '/bench/probe/jwt-redis',
  'jwt-cookie': '/bench/probe/jwt-cookie',
  'jwt+dpop': '/bench/probe/jwt-dpop',
  redis: '/bench/probe/redis',
  pg: '/bench/probe/pg',
  'session-cache': '/bench/probe/session-cache',
} as const satisfies Record<ProbeName | 'baseline', string>

/** The cookie carrying a store probe's session id (256 random bits), signed as the contract signs a session id. */
export const PROBE_COOKIE = 'probe'
/** The session-cache probe's signed copy, bound to the id in PROBE_COOKIE as `session-cached` binds its copy to its session cookie. */
export const PROBE_CACHE_COOKIE = 'probe_cache'

const REDIS_PREFIX = 'lab:bench:probe:'
const DENY_PREFIX = 'lab:bench:deny:'
const DPOP_PREFIX = 'lab:bench:dpop:'
const SID_PREFIX = 'bench-probe-'
const CACHE_AUDIENCE = 'lab-bench:session-cache-probe'
const BASELINE_USER: User = { id: '00000000-0000-4000-8000-000000000000', username: 'baseline', role: 'user' }

/** What both hosts of the probes are given (as JSON in BENCH_PROBES): the run's secrets, claims and stores. */
export interface ProbeOptions {
  /** the API's JWT_SECRET: the jwt probes verify the strategies' real access tokens */
  jwtSecret: string
  issuer: string
  /** the audience of the tokens each jwt probe reads: that of the strategy it stands for */
  audiences: Record<'jwt' | 'jwt+redis' | 'jwt-cookie' | 'jwt+dpop', string>
  /** the HS256 key of the session-cache probe's own copies (base64url) */
  cacheKey: string
  /** the secret the store probes' session ids are signed with, as SESSION_SECRET signs the strategies' */
  cookieSecret: string
  redisUrl: string
  databaseUrl: string
  postgresPoolMax: number
}

/** The credentials the cookie probes read: signed session ids (`<id>.<HMAC>`), and for each a signed copy bound to it. */
export interface ProbeCredentials {
  cookies: string[]
  copies: string[]
}

/** Seeds and removes what the store probes look up; ids start with the run's prefix, so any process of the run can clean up. */
export interface ProbeSeeds {
  /** Stores `count` session ids in Redis and in Postgres' sessions table, and signs each id and a fresh copy bound to it. */
  seed(prefix: string, count: number): Promise<ProbeCredentials>
  cleanup(prefix: string): Promise<void>
}

class ProbeFailure extends Error {
  readonly statusCode = 401
}

const meResponse = { schema: { response: { 200: MeResponseSchema } } }

/** What `session-cached` checks before trusting its copy: the copy names this very session cookie. */
const bindingOf = (sessionCookie: string) => createHash('sha256').update(sessionCookie).digest('base64url').slice(0, 22)

interface CopyClaims {
  sub: string
  username: string
  role: User['role']
  bind: string
}

/**
 * Minimal routes doing only the work a strategy cannot avoid: an HS256 verification with a fast-jwt
 * verifier built once (the token from the Authorization header or from a cookie); the session id's
 * HMAC (the contract's sessions are signed ids, over @fastify/cookie's Signer) and one ioredis GET,
 * or one prepared primary-key SELECT with pg; the HS256 verification of a signed session copy plus
 * the SHA-256 that binds it to its session cookie. Their clients are their own, without the lab's
 * round-trip instrumentation, which belongs to what the strategies add.
 *
 * The same routes run in two places: inside the API, behind its root hooks (`parseCookies: false`,
 * the API parses cookies already), and alone in a bare Fastify (bare-server.ts), the physical limit.
 * In the bare server only the routes that read a cookie parse cookies.
 */
export async function addProbes(fastify: FastifyInstance, options: ProbeOptions, { parseCookies }: { parseCookies: boolean }): Promise<ProbeSeeds> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 })
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.postgresPoolMax })
  const tokenVerifier = (audience: string) =>
    createVerifier({
      key: options.jwtSecret,
      algorithms: ['HS256'],
      allowedIss: options.issuer,
      allowedAud: audience,
      requiredClaims: ['exp', 'iat', 'sub', 'jti', 'iss', 'aud'],
    }) as (token: string) => { sub: string; jti: string; username: string; role: User['role']; cnf?: { jkt?: string } }
  const verifyJwt = tokenVerifier(options.audiences.jwt)
  const verifyDenylisted = tokenVerifier(options.audiences['jwt+redis'])
  const verifyJwtCookie = tokenVerifier(options.audiences['jwt-cookie'])
  const verifyDpopToken = tokenVerifier(options.audiences['jwt+dpop'])
  const cacheKey = Buffer.from(options.cacheKey, 'base64url')
  const verifyCopy = createVerifier({ key: cacheKey, algorithms: ['HS256'], allowedAud: CACHE_AUDIENCE, requiredClaims: ['exp', 'sub', 'bind'] }) as (
    token: string,
  ) => CopyClaims

  const cookieSigner = new Signer(options.cookieSecret, 'sha256')
  const bearer = (request: FastifyRequest) => (request.headers.authorization ?? '').slice('Bearer '.length)
  const cookieOf = (request: FastifyRequest, name: string) => {
    const value = request.cookies[name]
    if (!value) throw new ProbeFailure(`${name} cookie missing`)
    return value
  }
  /** The session id of the signed cookie, as the session strategies read theirs. */
  const sessionIdOf = (request: FastifyRequest) => {
    const { valid, value } = cookieSigner.unsign(cookieOf(request, PROBE_COOKIE))
    if (!valid || value === null) throw new ProbeFailure('session id not signed by us')
    return value
  }

  await fastify.register(
    async (scope) => {
      scope.get('/baseline', meResponse, async (): Promise<MeResponse> => ({ user: BASELINE_USER, strategy: 'jwt' }))

      scope.get('/probe/jwt', meResponse, async (request): Promise<MeResponse> => {
        const { sub, username, role } = verifyJwt(bearer(request))
        return { user: { id: sub, username, role }, strategy: 'jwt' }
      })

      scope.get('/probe/jwt-redis', meResponse, async (request): Promise<MeResponse> => {
        const { sub, jti, username, role } = verifyDenylisted(bearer(request))
        if ((await redis.get(DENY_PREFIX + jti)) !== null) throw new ProbeFailure('denied')
        return { user: { id: sub, username, role }, strategy: 'jwt-denylist' }
      })

      scope.get('/probe/jwt-dpop', meResponse, async (request): Promise<MeResponse> => {
        const token = (request.headers.authorization ?? '').slice('DPoP '.length)
        const { sub, username, role, cnf } = verifyDpopToken(token)
        const proof = request.headers.dpop
        if (typeof proof !== 'string') throw new ProbeFailure('proof missing')
        const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: DPOP_PROOF_TYPE, algorithms: [...DPOP_ALGORITHMS] })
        const htu = `http://${request.headers.host}${request.url}`
        const ath = createHash('sha256').update(token).digest('base64url')
        if (payload.htm !== request.method || payload.htu !== htu || payload.ath !== ath) throw new ProbeFailure('proof for another request')
        const jkt = await calculateJwkThumbprint(protectedHeader.jwk as JWK)
        if (jkt !== cnf?.jkt) throw new ProbeFailure('proof by another key')
        if ((await redis.set(`${DPOP_PREFIX}${jkt}:${String(payload.jti)}`, '1', 'EX', 120, 'NX')) === null) throw new ProbeFailure('replayed')
        return { user: { id: sub, username, role }, strategy: 'jwt-dpop' }
      })

      // The routes that read a cookie, in a scope of their own: in the bare server only they parse cookies.
      await scope.register(async (cookies) => {
        if (parseCookies) await cookies.register(cookie)

        cookies.get('/probe/jwt-cookie', meResponse, async (request): Promise<MeResponse> => {
          const { sub, username, role } = verifyJwtCookie(cookieOf(request, ACCESS_TOKEN_COOKIE))
          return { user: { id: sub, username, role }, strategy: 'jwt-cookie' }
        })

        cookies.get('/probe/redis', meResponse, async (request): Promise<MeResponse> => {
          const json = await redis.get(REDIS_PREFIX + sessionIdOf(request))
          if (json === null) throw new ProbeFailure('unknown id')
          return { user: JSON.parse(json) as User, strategy: 'session' }
        })

        cookies.get('/probe/pg', meResponse, async (request): Promise<MeResponse> => {
          const { rows } = await pool.query<{ data: { user: User } }>({
            name: 'bench probe SELECT sessions',
            text: 'SELECT data FROM sessions WHERE sid = $1 AND expires_at > now()',
            values: [SID_PREFIX + sessionIdOf(request)],
          })
          const row = rows[0]
          if (!row) throw new ProbeFailure('unknown id')
          return { user: row.data.user, strategy: 'session-pg' }
        })

        cookies.get('/probe/session-cache', meResponse, async (request): Promise<MeResponse> => {
          const { sub, username, role, bind } = verifyCopy(cookieOf(request, PROBE_CACHE_COOKIE))
          if (bind !== bindingOf(cookieOf(request, PROBE_COOKIE))) throw new ProbeFailure('copy of another session')
          return { user: { id: sub, username, role }, strategy: 'session-cached' }
        })
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
      // Fresh for an hour: longer than any run, as the strategy's copies are (SESSION_CACHE_TTL in the run's environment).
      const sign = createSigner({ key: cacheKey, algorithm: 'HS256', aud: CACHE_AUDIENCE, expiresIn: 3600 * 1000 })
      const cookies = ids.map((id) => cookieSigner.sign(id))
      const copies = cookies.map((signed, i) => {
        const { id: sub, username, role } = users[i] as User
        return sign({ sub, username, role, bind: bindingOf(signed) })
      })
      return { cookies, copies }
    },
    async cleanup(prefix) {
      for await (const keys of redis.scanStream({ match: `${REDIS_PREFIX}${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
        if (keys.length > 0) await redis.del(...keys)
      }
      await pool.query(`DELETE FROM sessions WHERE sid LIKE $1 || '%'`, [SID_PREFIX + prefix])
    },
  }
}
