import { randomBytes } from 'node:crypto'
import { envSchema } from 'env-schema'
import { Type, type Static } from 'typebox'

const EnvSchema = Type.Object({
  LAB_PROFILE: Type.Enum(['demo', 'production'], { default: 'production' }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4000 }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  JWT_SECRET: Type.Optional(Type.String()),
  SESSION_SECRET: Type.Optional(Type.String()),
  ACCESS_TOKEN_TTL: Type.Integer({ minimum: 1, default: 120 }),
  REFRESH_TOKEN_TTL: Type.Integer({ minimum: 60, default: 7 * 24 * 3600 }),
  SESSION_TTL: Type.Integer({ minimum: 1, default: 8 * 3600 }),
  LOGIN_RATE_LIMIT: Type.Integer({ minimum: 1, default: 20 }),
  SEED_DEMO_USERS: Type.Optional(Type.Boolean()),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
})
type Env = Static<typeof EnvSchema>

export interface Config {
  profile: 'demo' | 'production'
  host: string
  port: number
  /** absent: the launcher starts an embedded Postgres */
  databaseUrl: string | undefined
  /** absent: the launcher finds or starts a Redis */
  redisUrl: string | undefined
  jwtSecret: string
  sessionSecret: string
  accessTokenTtl: number
  refreshTokenTtl: number
  sessionTtl: number
  loginRateLimit: number
  seedDemoUsers: boolean
  logLevel: string
  /** names of the secrets generated at start (demo profile only), to say so in the log */
  generatedSecrets: string[]
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const MIN_SECRET_BYTES = 32
const MIN_BITS_PER_CHAR = 3

/** Shannon entropy per character: rejects long but repetitive secrets such as "aaaa…" or "secretsecret…". */
function bitsPerChar(value: string): number {
  const counts = new Map<string, number>()
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1)
  let bits = 0
  for (const count of counts.values()) {
    const p = count / value.length
    bits -= p * Math.log2(p)
  }
  return bits
}

/** Why a secret is weak, or null when it is acceptable. */
export function secretWeakness(value: string): string | null {
  if (Buffer.byteLength(value) < MIN_SECRET_BYTES) return `shorter than ${MIN_SECRET_BYTES} bytes`
  if (bitsPerChar(value) < MIN_BITS_PER_CHAR) return 'too repetitive to be random'
  return null
}

function resolveSecret(name: string, value: string | undefined, env: Env, generated: string[]): string {
  if (value === undefined || value === '') {
    if (env.LAB_PROFILE === 'demo') {
      generated.push(name)
      return randomBytes(32).toString('base64url')
    }
    throw new ConfigError(
      `${name} is not set. Set it to at least ${MIN_SECRET_BYTES} random bytes, e.g. ` +
        `${name}=$(openssl rand -base64 48), or run with LAB_PROFILE=demo to generate one.`,
    )
  }
  const weakness = secretWeakness(value)
  if (weakness && env.LAB_PROFILE !== 'demo') {
    throw new ConfigError(`${name} is weak (${weakness}). Use at least ${MIN_SECRET_BYTES} random bytes.`)
  }
  return value
}

/** Reads and validates the configuration once; throws ConfigError with a readable message. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  let env: Env
  try {
    env = envSchema<Env>({ schema: EnvSchema, data: { ...source }, dotenv: false })
  } catch (error) {
    throw new ConfigError(`Invalid configuration: ${(error as Error).message}`)
  }
  const generatedSecrets: string[] = []
  return {
    profile: env.LAB_PROFILE,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    jwtSecret: resolveSecret('JWT_SECRET', env.JWT_SECRET, env, generatedSecrets),
    sessionSecret: resolveSecret('SESSION_SECRET', env.SESSION_SECRET, env, generatedSecrets),
    accessTokenTtl: env.ACCESS_TOKEN_TTL,
    refreshTokenTtl: env.REFRESH_TOKEN_TTL,
    sessionTtl: env.SESSION_TTL,
    loginRateLimit: env.LOGIN_RATE_LIMIT,
    seedDemoUsers: env.SEED_DEMO_USERS ?? env.LAB_PROFILE === 'demo',
    logLevel: env.LOG_LEVEL,
    generatedSecrets,
  }
}

/** A store URL fit for a log line: the password replaced. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
}
