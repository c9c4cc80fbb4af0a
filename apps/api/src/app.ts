import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify'
import autoload from '@fastify/autoload'
import type { Config } from './config.ts'
import { toErrorBody } from './plugins/app/error-handler.ts'
import type { PasswordHasher } from './plugins/app/users.ts'

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

/** Fastify's own options: shared by server.ts and the tests so both run the same server. */
export function serverOptions(config: Pick<AppConfig, 'logLevel' | 'trustProxy'>): FastifyServerOptions {
  return {
    logger: { level: config.logLevel },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: config.trustProxy,
    bodyLimit: 16 * 1024,
    // Reject what does not match a schema instead of coercing or silently dropping it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
    // A malformed URL (`/api/%`) is refused before routing, where the error handler never sees it.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const body = toErrorBody(error)
      return reply.code(body.statusCode).type('application/json').send(body)
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
