import { randomBytes } from 'node:crypto'
import type { TestContext } from 'node:test'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import fp from 'fastify-plugin'
import { countRoundTrips, type StrategyName } from '@lab/contracts'
import app, { serverOptions, type AppConfig } from '../src/app.ts'

/** The servers CI and every session's machine run; a developer may point the tests elsewhere. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    profile: 'production',
    host: '127.0.0.1',
    port: 0,
    databaseUrl: DATABASE_URL,
    redisUrl: REDIS_URL,
    postgresPoolMax: 4,
    postgresIdleTimeout: 30,
    jwtAlgorithm: 'HS256',
    jwtSecret: randomBytes(32).toString('base64url'),
    jwtSecretPrevious: undefined,
    jwtPrivateKey: undefined,
    jwtKeyGrace: undefined,
    sessionSecret: randomBytes(32).toString('base64url'),
    sessionSecretPrevious: undefined,
    accessTokenTtl: 120,
    refreshTokenTtl: 3600,
    refreshIdleTimeout: 1800,
    refreshReuseGrace: 10,
    sessionTtl: 3600,
    sessionIdleTimeout: 1800,
    sessionCacheTtl: 30,
    loginRateLimit: 10,
    clientRateLimit: 600,
    seedDemoUsers: true,
    logLevel: 'silent',
    replicaName: 'test',
    replicasView: false,
    trustProxy: 'loopback',
    generatedSecrets: [],
    ...overrides,
  }
}

/**
 * Builds the whole API as server.ts does, on the real stores, and closes it after the test. With
 * `logs`, every log line it writes (JSON, as in production) is appended there.
 */
export async function buildApp(t: TestContext, overrides: Partial<AppConfig> = {}, logs?: string[]): Promise<FastifyInstance> {
  const config = testConfig(overrides)
  const options = serverOptions(config)
  if (logs) options.logger = { ...(options.logger as object), stream: { write: (line: string) => logs.push(line) } }
  const fastify = Fastify(options)
  // Closed even when it fails to start: a half-started app's store clients would keep the test process alive.
  t.after(() => fastify.close())
  // Unwrapped so the tests can reach the app's decorators (pg, redis), as in fastify/demo's helper.
  await fastify.register(fp(app), { config })
  await fastify.ready()
  return fastify
}

/** What a client keeps between requests: the session cookie or the bearer token, and the refresh cookie. */
export interface Credential {
  cookies: Record<string, string>
  accessToken?: string
}

/** A client address of its own, so rate-limit counters shared in Redis with other test files do not interfere. */
export function randomClientAddress(): string {
  const octet = () => Math.floor(Math.random() * 250) + 1
  return `10.${octet()}.${octet()}.${octet()}`
}

export const ALICE = { username: 'alice', password: 'alice-password' }
export const ADMIN = { username: 'admin', password: 'admin-password' }

export function cookieHeader(credential: Credential): string {
  return Object.entries(credential.cookies).map(([name, value]) => `${name}=${value}`).join('; ')
}

export function headersFor(credential: Credential | undefined): Record<string, string> {
  if (!credential) return {}
  const headers: Record<string, string> = {}
  const cookie = cookieHeader(credential)
  if (cookie) headers.cookie = cookie
  if (credential.accessToken) headers.authorization = `Bearer ${credential.accessToken}`
  return headers
}

/** Applies a response's Set-Cookie headers to a credential, as a browser would. */
export function keepCookies(credential: Credential, response: LightMyRequestResponse): void {
  for (const cookie of response.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
    const expired = cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now())
    if (expired || cookie.value === '') delete credential.cookies[cookie.name]
    else credential.cookies[cookie.name] = cookie.value
  }
}

export async function login(
  fastify: FastifyInstance,
  strategy: StrategyName,
  user = ALICE,
  credential: Credential = { cookies: {} },
): Promise<{ response: LightMyRequestResponse; credential: Credential }> {
  const response = await fastify.inject({
    method: 'POST',
    url: `/api/${strategy}/login`,
    headers: headersFor(credential),
    payload: user,
  })
  keepCookies(credential, response)
  const body = response.json<{ accessToken?: string }>()
  if (body.accessToken) credential.accessToken = body.accessToken
  return { response, credential }
}

export function call(fastify: FastifyInstance, method: 'GET' | 'POST', url: string, credential?: Credential) {
  return fastify.inject({ method, url, headers: headersFor(credential) })
}

/** POST /api/:strategy/refresh with the credential's refresh cookie, as the browser would send it to that path. */
export function refresh(fastify: FastifyInstance, strategy: StrategyName, credential: Credential) {
  return fastify.inject({ method: 'POST', url: `/api/${strategy}/refresh`, cookies: { rt: credential.cookies.rt ?? '' } })
}

export function roundTrips(response: LightMyRequestResponse) {
  return countRoundTrips(response.headers['server-timing'] as string | undefined)
}
