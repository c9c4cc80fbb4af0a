import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { join } from 'node:path'
import { LogController, type FastifyBaseLogger, type FastifyHttpOptions, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import autoload from '@fastify/autoload'
import { pino, type DestinationStream, type Logger } from 'pino'
import type { Config } from './config.ts'
import { toErrorBody } from './plugins/app/error-handler.ts'
import { staticHeaders } from './plugins/app/response-headers.ts'
import type { PasswordHasher } from './plugins/app/users.ts'
import { requestLimits } from './request-limits.ts'

/** The configuration once the stores are known (from the environment or started by local-stores/). */
export interface AppConfig extends Omit<Config, 'databaseUrl' | 'redisUrl'> {
  databaseUrl: string
  redisUrl: string
  /** 1 for the embedded Postgres, whose connections share one backend */
  postgresPoolMax: number
}

export interface AppOptions {
  config: AppConfig
  /** replaces argon2 on the thread pool; only the benchmark's login storm does, to compare hashing on the event loop */
  passwordHasher?: PasswordHasher
}

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig
  }
}

/** Where credentials could appear in a log line; pino replaces them whatever a serializer adds. */
const REDACTED = ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.currentPassword', '*.newPassword', '*.accessToken']

const LOGS_INFO = new Set(['trace', 'debug', 'info'])

/** One log line per request, when it ends (what was asked, from where, how it went), instead of two. */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(_error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    // Checked first: building the line costs more than the whole request's other logging when nothing is written.
    if (!LOGS_INFO.has(request.log.level)) return
    const ms = reply.elapsedTime
    request.log.info(
      { method: request.method, url: request.url, statusCode: reply.statusCode, durationMs: Math.round(ms * 10) / 10, ip: request.ip },
      `${request.method} ${request.url} ${reply.statusCode} ${ms.toFixed(1)} ms`,
    )
  }
}

type Bindings = Parameters<FastifyBaseLogger['child']>[0]
type ChildLoggerOptions = NonNullable<Parameters<FastifyBaseLogger['child']>[1]>
type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'
const LEVEL_VALUES: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity }

/**
 * A logger made when it first writes: pino's child logger (its bindings serialised through the
 * redaction) cost about 1 µs per request, and at the production level most requests log nothing. Its
 * children are lazy too, so Fastify is given the root as its instance and makes each request's child
 * with its own default factory: a custom child-logger factory is validated on every request (7,600
 * instructions of a 150,000-instruction request, measured with callgrind). A line it writes is the
 * real child's, request id included.
 */
class LazyLogger {
  readonly #make: () => FastifyBaseLogger
  readonly #parent: LazyLogger | null
  readonly #level: string | undefined
  #made: FastifyBaseLogger | undefined

  private constructor(make: () => FastifyBaseLogger, parent: LazyLogger | null, level: string | undefined) {
    this.#make = make
    this.#parent = parent
    this.#level = level
  }

  static root(logger: FastifyBaseLogger): FastifyBaseLogger {
    const root = new LazyLogger(() => logger, null, undefined)
    root.#made = logger
    return root as unknown as FastifyBaseLogger
  }

  #logger(): FastifyBaseLogger {
    return (this.#made ??= this.#make())
  }

  /** Below the level nothing is written, and no logger is made for it. */
  #write(method: LogMethod, args: unknown[]): void {
    if ((LEVEL_VALUES[method] as number) < (LEVEL_VALUES[this.level] ?? 0)) return
    ;(this.#logger()[method] as (...args: unknown[]) => void)(...args)
  }

  /** pino's level names and values, read by Fastify to check a route's `logLevel` at start */
  get levels(): Logger['levels'] {
    return this.#made ? (this.#made as Logger).levels : (this.#parent as LazyLogger).levels
  }
  get level(): FastifyBaseLogger['level'] {
    return this.#made?.level ?? this.#level ?? (this.#parent as LazyLogger).level
  }
  set level(level: FastifyBaseLogger['level']) {
    this.#logger().level = level
  }
  fatal(...args: unknown[]): void {
    this.#write('fatal', args)
  }
  error(...args: unknown[]): void {
    this.#write('error', args)
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args)
  }
  info(...args: unknown[]): void {
    this.#write('info', args)
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args)
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args)
  }
  silent(): void {}
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return new LazyLogger(() => this.#logger().child(bindings, options), this, options?.level) as unknown as FastifyBaseLogger
  }
}

/**
 * Fastify's own options: shared by server.ts and the tests so both run the same server. `logTo`: where
 * the JSON log lines go instead of standard output (the tests read them).
 */
export function serverOptions(config: Pick<AppConfig, 'logLevel' | 'trustProxy' | 'profile' | 'replicaName'>, logTo?: DestinationStream): FastifyHttpOptions<Server> {
  // People read the demo's terminal: one short line per event. Production logs stay JSON.
  const pretty = config.profile === 'demo' && config.logLevel !== 'silent' && logTo === undefined
  const headers = staticHeaders(config.replicaName)
  const logger = pino(
    {
      level: config.logLevel,
      redact: { paths: REDACTED, censor: '[redacted]' },
      ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname,reqId', singleLine: true } } } : {}),
    },
    logTo,
  )
  return {
    // Fastify adds its req, res and err serializers to it (through a child, itself made at its first line).
    loggerInstance: LazyLogger.root(logger),
    logController: new OneLinePerRequest(),
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    // Starting waits on stores (migrations behind other replicas' lock, seeding argon2 hashes): on a
    // busy 2-core machine that outlasted Fastify's default of 10 s.
    pluginTimeout: 30_000,
    ...requestLimits(headers),
    // The error handler answers 503 SHUTTING_DOWN itself, in the error format, while the server closes.
    return503OnClosing: false,
    // Reject what does not match a schema instead of coercing or silently dropping it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // A malformed URL (`/api/%`) is refused before routing, where the error handler never sees it.
    frameworkErrors: (error, request, reply: FastifyReply) => {
      const body = toErrorBody(error)
      return reply.code(body.statusCode).headers(headers).header('x-request-id', request.id).type('application/json').send(body)
    },
  }
}

/** The whole API as one plugin: third-party plugins, then our services, then the routes under /api. */
export default async function app(fastify: FastifyInstance, opts: AppOptions) {
  fastify.decorate('config', opts.config)
  // JSON is the only body this API reads: anything else is a 415, and a cross-site form cannot post a login.
  fastify.removeContentTypeParser('text/plain')
  await fastify.register(autoload, { dir: join(import.meta.dirname, 'plugins/external'), options: opts })
  await fastify.register(autoload, { dir: join(import.meta.dirname, 'plugins/app'), options: opts })
  await fastify.register(autoload, { dir: join(import.meta.dirname, 'routes'), options: { ...opts, prefix: '/api' } })
}
