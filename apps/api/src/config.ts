import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { envSchema } from 'env-schema'
import { Type, type Static } from 'typebox'
import { ed25519PemProblem } from './ed25519-pem.ts'
import { guessesLog10 } from './guessability.ts'

const EnvSchema = Type.Object({
  LAB_PROFILE: Type.Enum(['demo', 'production'], { default: 'production' }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 4000 }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  DATABASE_POOL_MAX: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  DATABASE_IDLE_TIMEOUT: Type.Integer({ minimum: 1, default: 30 }),
  // A request asks Postgres up to twice in a row (login: the user, then the session), within the web origin's 5 s.
  DATABASE_TIMEOUT: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 })),
  JWT_ALGORITHM: Type.Enum(['HS256', 'EdDSA'], { default: 'HS256' }),
  JWT_SECRET: Type.Optional(Type.String()),
  JWT_SECRET_PREVIOUS: Type.Optional(Type.String()),
  JWT_PRIVATE_KEY: Type.Optional(Type.String()),
  JWT_PRIVATE_KEY_FILE: Type.Optional(Type.String()),
  JWT_KEY_GRACE: Type.Optional(Type.Integer({ minimum: 0 })),
  SESSION_SECRET: Type.Optional(Type.String()),
  SESSION_SECRET_PREVIOUS: Type.Optional(Type.String()),
  ACCESS_TOKEN_TTL: Type.Integer({ minimum: 1, default: 120 }),
  REFRESH_TOKEN_TTL: Type.Integer({ minimum: 60, default: 7 * 24 * 3600 }),
  REFRESH_IDLE_TIMEOUT: Type.Optional(Type.Integer({ minimum: 1 })),
  REFRESH_REUSE_GRACE: Type.Integer({ minimum: 0, maximum: 60, default: 10 }),
  SESSION_TTL: Type.Integer({ minimum: 1, default: 8 * 3600 }),
  SESSION_IDLE_TIMEOUT: Type.Integer({ minimum: 1, default: 30 * 60 }),
  SESSION_CACHE_TTL: Type.Integer({ minimum: 1, maximum: 3600, default: 30 }),
  LOGIN_RATE_LIMIT: Type.Integer({ minimum: 1, default: 10 }),
  CLIENT_RATE_LIMIT: Type.Integer({ minimum: 1, default: 600 }),
  SEED_DEMO_USERS: Type.Optional(Type.Boolean()),
  REPLICA_NAME: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' })),
  LAB_REPLICAS: Type.Boolean({ default: false }),
  TRUST_PROXY: Type.String({ minLength: 1, default: 'loopback' }),
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
  /** DATABASE_POOL_MAX; absent: 10, or 1 with the embedded Postgres (set by launchers that share one between processes) */
  postgresPoolMax: number | undefined
  /** seconds an idle pooled Postgres connection is kept before the pool closes it */
  postgresIdleTimeout: number
  /**
   * DATABASE_TIMEOUT: seconds a Postgres query may take, from when it is asked (the wait for a connection
   * included), before the store counts as unavailable; absent: 1, or 2 with the embedded Postgres (set by
   * launchers that share one)
   */
  postgresTimeout: number | undefined
  jwtAlgorithm: 'HS256' | 'EdDSA'
  /** the HMAC secret (HS256); unused with EdDSA */
  jwtSecret: string
  /** HS256: the secret JWT_SECRET replaces, which still verifies (never signs) during a rotation */
  jwtSecretPrevious: string | undefined
  /** PKCS#8 PEM of the Ed25519 key (EdDSA only) */
  jwtPrivateKey: string | undefined
  /** seconds a rotated-out key still verifies; default ACCESS_TOKEN_TTL */
  jwtKeyGrace: number | undefined
  sessionSecret: string
  /** the secret SESSION_SECRET replaces, whose session cookies are still accepted during a rotation */
  sessionSecretPrevious: string | undefined
  accessTokenTtl: number
  refreshTokenTtl: number
  /** seconds without a refresh after which a refresh family ends (default SESSION_IDLE_TIMEOUT, as sessions) */
  refreshIdleTimeout: number
  /** seconds after a rotation during which the rotated refresh token gets the same successor instead of revoking its family */
  refreshReuseGrace: number
  sessionTtl: number
  /** seconds without a request after which a session ends, before its absolute SESSION_TTL */
  sessionIdleTimeout: number
  /** seconds a `session-cached` copy is trusted without asking the store (and survives a logout, if stolen) */
  sessionCacheTtl: number
  /** failed logins and password changes an account may make before each further one waits (doubling) */
  loginRateLimit: number
  /** login, refresh and password requests a minute from one client address */
  clientRateLimit: number
  seedDemoUsers: boolean
  logLevel: string
  /** names this process in the `x-replica` header and in its records */
  replicaName: string
  /** one of several replicas behind the lab's load balancer: serves the replicas view's in-memory session (demo only) */
  replicasView: boolean
  /** the proxies whose X-Forwarded-* headers are believed (Fastify's trustProxy: addresses, CIDRs or names such as loopback) */
  trustProxy: string
  /** names of the secrets generated at start (demo profile only), to say so in the log */
  generatedSecrets: string[]
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const MIN_SECRET_BYTES = 32
const MIN_BITS_PER_CHAR = 3
/** 32 random base64url characters estimate at about 10^32 guesses; a phrase of words at 10^20–10^25. */
const MIN_SECRET_GUESSES_LOG10 = 30

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

/** OWASP ASVS 11.2.3: at least 128 bits of security for keys. */
const MIN_SECRET_BITS = 128
const CHARACTER_CLASSES = [/[0-9]/, /[a-z]/, /[A-Z]/, /[^0-9a-zA-Z]/]
const CLASS_SIZES = [10, 26, 26, 33]

/**
 * The most a secret of this length and these kinds of character could hold, were every character
 * random: 32 hex characters hold 128 bits, 32 decimal digits only 106.
 */
function nominalBits(value: string): number {
  const alphabet = CHARACTER_CLASSES.reduce((size, pattern, i) => (pattern.test(value) ? size + (CLASS_SIZES[i] as number) : size), 0)
  return [...value].length * Math.log2(Math.max(alphabet, 2))
}

/** Why a secret is weak, or null when it is acceptable. */
export function secretWeakness(value: string): string | null {
  if (Buffer.byteLength(value) < MIN_SECRET_BYTES) return `shorter than ${MIN_SECRET_BYTES} bytes`
  if (nominalBits(value) < MIN_SECRET_BITS) return `too few kinds of character to hold ${MIN_SECRET_BITS} bits`
  if (bitsPerChar(value) < MIN_BITS_PER_CHAR) return 'too repetitive to be random'
  if (guessesLog10(value).log10 < MIN_SECRET_GUESSES_LOG10) return 'made of words or patterns an attacker would try first'
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

/** A secret being rotated out (`*_PREVIOUS`): optional, and as strong as a current one outside the demo. */
function previousSecret(name: string, value: string | undefined, env: Env): string | undefined {
  if (value === undefined || value === '') return undefined
  const weakness = secretWeakness(value)
  if (weakness && env.LAB_PROFILE !== 'demo') throw new ConfigError(`${name} is weak (${weakness}).`)
  return value
}

/** Throws unless `pem` is an Ed25519 private key; `source` names where it came from. */
function checkEd25519Pem(pem: string, source: string): void {
  const problem = ed25519PemProblem(pem, source)
  if (problem !== null) throw new ConfigError(problem)
}

/**
 * The Ed25519 key for EdDSA: checked here, so a wrong key stops the API at start, not at the first login.
 * JWT_PRIVATE_KEY holds it, or JWT_PRIVATE_KEY_FILE names a file that does (as Docker secrets and
 * docker-compose's `keys` service provide it: one file every replica reads).
 */
function resolvePrivateKey(env: Env, generated: string[]): string {
  const file = env.JWT_PRIVATE_KEY_FILE || undefined
  if (file && env.JWT_PRIVATE_KEY) throw new ConfigError('Set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE, not both.')
  if (file) {
    let pem: string
    try {
      pem = readFileSync(file, 'utf8')
    } catch (error) {
      throw new ConfigError(`JWT_PRIVATE_KEY_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`)
    }
    checkEd25519Pem(pem, `JWT_PRIVATE_KEY_FILE (${file})`)
    return pem
  }
  const pem = env.JWT_PRIVATE_KEY
  if (pem === undefined || pem === '') {
    if (env.LAB_PROFILE === 'demo') {
      generated.push('JWT_PRIVATE_KEY')
      return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    }
    throw new ConfigError(
      'JWT_ALGORITHM=EdDSA needs JWT_PRIVATE_KEY (PKCS#8 PEM), e.g. $(openssl genpkey -algorithm ed25519), or JWT_PRIVATE_KEY_FILE, or LAB_PROFILE=demo to generate one.',
    )
  }
  checkEd25519Pem(pem, 'JWT_PRIVATE_KEY')
  return pem
}

/** The in-memory session store breaks on any second process, so it exists only to be watched breaking. */
function resolveReplicasView(env: Env): boolean {
  if (env.LAB_REPLICAS && env.LAB_PROFILE !== 'demo') {
    throw new ConfigError('LAB_REPLICAS=true serves an in-memory session store for the replicas view; it needs LAB_PROFILE=demo.')
  }
  return env.LAB_REPLICAS
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
  const jwtSecret = env.JWT_ALGORITHM === 'HS256' ? resolveSecret('JWT_SECRET', env.JWT_SECRET, env, generatedSecrets) : ''
  const jwtPrivateKey = env.JWT_ALGORITHM === 'EdDSA' ? resolvePrivateKey(env, generatedSecrets) : undefined
  const sessionSecret = resolveSecret('SESSION_SECRET', env.SESSION_SECRET, env, generatedSecrets)
  const jwtSecretPrevious = previousSecret('JWT_SECRET_PREVIOUS', env.JWT_SECRET_PREVIOUS, env)
  const sessionSecretPrevious = previousSecret('SESSION_SECRET_PREVIOUS', env.SESSION_SECRET_PREVIOUS, env)
  // One secret for two jobs: a leaked session secret would also forge access tokens.
  const secrets = [jwtSecret, sessionSecret, jwtSecretPrevious, sessionSecretPrevious].filter(Boolean)
  if (new Set(secrets).size < secrets.length) {
    throw new ConfigError('JWT_SECRET, SESSION_SECRET and their _PREVIOUS values must all differ: each signs something else.')
  }
  if (env.SEED_DEMO_USERS && env.LAB_PROFILE !== 'demo') {
    throw new ConfigError('SEED_DEMO_USERS=true creates accounts whose passwords are public; it needs LAB_PROFILE=demo.')
  }
  return {
    profile: env.LAB_PROFILE,
    host: env.HOST,
    port: env.PORT,
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    postgresPoolMax: env.DATABASE_POOL_MAX,
    postgresIdleTimeout: env.DATABASE_IDLE_TIMEOUT,
    postgresTimeout: env.DATABASE_TIMEOUT,
    jwtAlgorithm: env.JWT_ALGORITHM,
    jwtSecret,
    jwtSecretPrevious,
    jwtPrivateKey,
    jwtKeyGrace: env.JWT_KEY_GRACE,
    sessionSecret,
    sessionSecretPrevious,
    accessTokenTtl: env.ACCESS_TOKEN_TTL,
    refreshTokenTtl: env.REFRESH_TOKEN_TTL,
    refreshIdleTimeout: env.REFRESH_IDLE_TIMEOUT ?? env.SESSION_IDLE_TIMEOUT,
    refreshReuseGrace: env.REFRESH_REUSE_GRACE,
    sessionTtl: env.SESSION_TTL,
    sessionIdleTimeout: env.SESSION_IDLE_TIMEOUT,
    sessionCacheTtl: env.SESSION_CACHE_TTL,
    loginRateLimit: env.LOGIN_RATE_LIMIT,
    clientRateLimit: env.CLIENT_RATE_LIMIT,
    seedDemoUsers: env.SEED_DEMO_USERS ?? env.LAB_PROFILE === 'demo',
    logLevel: env.LOG_LEVEL,
    replicaName: env.REPLICA_NAME ?? `${hostname()}:${env.PORT}`,
    replicasView: resolveReplicasView(env),
    trustProxy: env.TRUST_PROXY,
    generatedSecrets,
  }
}

/** A store URL fit for a log line: the password replaced. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
}
