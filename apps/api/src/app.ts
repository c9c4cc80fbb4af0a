import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import autoload from '@fastify/autoload'
import type { Config } from './config.ts'

/** The configuration once the stores are known (from the environment or started by local-stores/). */
export interface AppConfig extends Omit<Config, 'databaseUrl' | 'redisUrl'> {
  databaseUrl: string
  redisUrl: string
  /** 1 for the embedded Postgres, whose connections share one backend */
  postgresPoolMax: number
}

export interface AppOptions {
  config: AppConfig
}

declare module 'fastify' {
  interface FastifyInstance {
    config: AppConfig
  }
}

/** Fastify's own options: shared by server.ts and the tests so both run the same server. */
export function serverOptions(config: Pick<AppConfig, 'logLevel'>): FastifyServerOptions {
  return {
    logger: { level: config.logLevel },
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: 'loopback',
    bodyLimit: 16 * 1024,
    // Reject what does not match a schema instead of coercing or silently dropping it.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
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
