import { envSchema } from 'env-schema'
import { Type, type Static } from 'typebox'
import { ORDERS_DEFAULT_PORT, ORDERS_SESSION_CHECKS, type OrdersSessionCheck } from '@lab/contracts'

const EnvSchema = Type.Object({
  HOST: Type.String({ default: '127.0.0.1' }),
  ORDERS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: ORDERS_DEFAULT_PORT }),
  /** where the API answers: its JWKS, and its /api/:strategy/me for introspection */
  API_URL: Type.String({ pattern: '^https?://', default: 'http://127.0.0.1:4000' }),
  /** seconds after which the API's JWKS is fetched again: a key the API has retired stops verifying here within about this */
  JWKS_MAX_AGE: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
  ORDERS_SESSION_CHECK: Type.Enum(ORDERS_SESSION_CHECKS, { default: 'introspect' }),
  /** the shared denylist (jwt-denylist) and, in store mode, the Redis sessions */
  REDIS_URL: Type.String({ pattern: '^rediss?://' }),
  /** store mode only: the Postgres sessions of session-pg */
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** store mode only: to check the signature of the API's session cookies */
  SESSION_SECRET: Type.Optional(Type.String()),
  SESSION_SECRET_PREVIOUS: Type.Optional(Type.String()),
  /**
   * seconds the API waits on Postgres before answering 503 (the API's DATABASE_TIMEOUT: 2 with the embedded
   * Postgres): the session check waits as long for the API's answer, and store mode for Postgres
   */
  DATABASE_TIMEOUT: Type.Integer({ minimum: 1, maximum: 2, default: 1 }),
  /** store mode only: seconds without a request after which the API ends a session (the API's SESSION_IDLE_TIMEOUT) */
  SESSION_IDLE_TIMEOUT: Type.Integer({ minimum: 1, default: 30 * 60 }),
  /** the proxies whose X-Forwarded-Proto is believed (Fastify's trustProxy, as the API's TRUST_PROXY): over https the cookies carry their `__Host-`/`__Secure-` names */
  TRUST_PROXY: Type.String({ minLength: 1, default: 'loopback' }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
})
type Env = Static<typeof EnvSchema>

export interface OrdersConfig {
  host: string
  port: number
  apiUrl: string
  /** how long the fetched JWKS is used before it is fetched again (ms) */
  jwksMaxAgeMs: number
  sessionCheck: OrdersSessionCheck
  /** how long a session check waits for the API, or in store mode for Postgres (ms) */
  storeTimeoutMs: number
  redisUrl: string
  /** the session store's credentials: present in store mode only */
  store: { databaseUrl: string; sessionSecret: string; sessionSecretPrevious: string | undefined; sessionIdleTimeout: number } | null
  /** the proxies whose X-Forwarded-* headers are believed (addresses, CIDRs or names such as loopback) */
  trustProxy: string
  logLevel: string
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and validates the configuration once; throws ConfigError with a readable message. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): OrdersConfig {
  let env: Env
  try {
    env = envSchema<Env>({ schema: EnvSchema, data: { ...source }, dotenv: false })
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${(error as Error).message}`)
  }
  let store: OrdersConfig['store'] = null
  if (env.ORDERS_SESSION_CHECK === 'store') {
    // The coupling this mode shows: reading sessions itself, the service needs what the API's own secret and stores.
    if (!env.SESSION_SECRET) throw new ConfigError('ORDERS_SESSION_CHECK=store reads the API\'s session cookies: it needs the API\'s SESSION_SECRET.')
    if (!env.DATABASE_URL) throw new ConfigError('ORDERS_SESSION_CHECK=store reads session-pg\'s sessions: it needs DATABASE_URL.')
    store = {
      databaseUrl: env.DATABASE_URL,
      sessionSecret: env.SESSION_SECRET,
      sessionSecretPrevious: env.SESSION_SECRET_PREVIOUS || undefined,
      sessionIdleTimeout: env.SESSION_IDLE_TIMEOUT,
    }
  }
  return {
    host: env.HOST,
    port: env.ORDERS_PORT,
    apiUrl: env.API_URL.replace(/\/+$/, ''),
    jwksMaxAgeMs: env.JWKS_MAX_AGE * 1000,
    sessionCheck: env.ORDERS_SESSION_CHECK,
    storeTimeoutMs: env.DATABASE_TIMEOUT * 1000,
    redisUrl: env.REDIS_URL,
    store,
    trustProxy: env.TRUST_PROXY,
    logLevel: env.LOG_LEVEL,
  }
}
