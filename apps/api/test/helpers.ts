import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto'
import type { TestContext } from 'node:test'
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify'
import fp from 'fastify-plugin'
import { countRoundTrips, DPOP_STRATEGIES, type StrategyName } from '@lab/contracts'
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
    postgresTimeout: undefined,
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
  const fastify = Fastify(serverOptions(config, logs && { write: (line: string) => logs.push(line) }))
  // Closed even when it fails to start: a half-started app's store clients would keep the test process alive.
  t.after(() => fastify.close())
  // Unwrapped so the tests can reach the app's decorators (pg, redis), as in fastify/demo's helper.
  await fastify.register(fp(app), { config })
  await fastify.ready()
  return fastify
}

/** A DPoP client's key pair (Ed25519), as a browser keeps its non-extractable one. */
export interface DpopKey {
  privateKey: KeyObject
  jwk: { kty: string; crv: string; x: string }
}

/** What a client keeps between requests: the session cookie or the bearer token, and the refresh cookie; with jwt-dpop, its key. */
export interface Credential {
  cookies: Record<string, string>
  accessToken?: string
  dpop?: DpopKey
}

export function dpopKey(): DpopKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519')
  const { kty, crv, x } = publicKey.export({ format: 'jwk' }) as DpopKey['jwk']
  return { privateKey, jwk: { kty, crv, x } }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/**
 * A DPoP proof (RFC 9449 §4.2) for `method` and the app's `url` as inject addresses it (http://localhost),
 * signed with Ed25519; `header` and `claims` override or add fields (undefined removes one), for the attack tests.
 */
export function dpopProof(
  key: DpopKey,
  method: string,
  url: string,
  { accessToken, header = {}, claims = {} }: { accessToken?: string | undefined; header?: Record<string, unknown>; claims?: Record<string, unknown> } = {},
): string {
  const head = { typ: 'dpop+jwt', alg: 'EdDSA', jwk: key.jwk, ...header }
  const payload = {
    jti: randomUUID(),
    htm: method,
    htu: new URL(url, 'http://localhost').href.split('?')[0],
    iat: Math.floor(Date.now() / 1000),
    ...(accessToken === undefined ? {} : { ath: createHash('sha256').update(accessToken).digest('base64url') }),
    ...claims,
  }
  const input = `${b64(head)}.${b64(payload)}`
  return `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`
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

/** The headers a client sends with its credential; a DPoP client adds a fresh proof for `method` and `url`. */
export function headersFor(credential: Credential | undefined, method = 'GET', url = '/'): Record<string, string> {
  if (!credential) return {}
  const headers: Record<string, string> = {}
  const cookie = cookieHeader(credential)
  if (cookie) headers.cookie = cookie
  if (credential.accessToken) headers.authorization = `${credential.dpop ? 'DPoP' : 'Bearer'} ${credential.accessToken}`
  if (credential.dpop) headers.dpop = dpopProof(credential.dpop, method, url, { accessToken: credential.accessToken })
  return headers
}

/** A new client of the strategy: with jwt-dpop, one that holds its own key. */
export function newCredential(strategy: StrategyName): Credential {
  return (DPOP_STRATEGIES as readonly string[]).includes(strategy) ? { cookies: {}, dpop: dpopKey() } : { cookies: {} }
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
  credential: Credential = newCredential(strategy),
): Promise<{ response: LightMyRequestResponse; credential: Credential }> {
  const url = `/api/${strategy}/login`
  const response = await fastify.inject({ method: 'POST', url, headers: headersFor(credential, 'POST', url), payload: user })
  keepCookies(credential, response)
  const body = response.json<{ accessToken?: string }>()
  if (body.accessToken) credential.accessToken = body.accessToken
  return { response, credential }
}

export function call(fastify: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', url: string, credential?: Credential) {
  return fastify.inject({ method, url, headers: headersFor(credential, method, url) })
}

/** POST /api/:strategy/refresh with the credential's refresh cookie, as the browser would send it to that path (with jwt-dpop, and a proof). */
export function refresh(fastify: FastifyInstance, strategy: StrategyName, credential: Credential) {
  const url = `/api/${strategy}/refresh`
  const proof = credential.dpop ? { dpop: dpopProof(credential.dpop, 'POST', url) } : {}
  return fastify.inject({ method: 'POST', url, headers: proof, cookies: { rt: credential.cookies.rt ?? '' } })
}

export function roundTrips(response: LightMyRequestResponse) {
  return countRoundTrips(response.headers['server-timing'] as string | undefined)
}
