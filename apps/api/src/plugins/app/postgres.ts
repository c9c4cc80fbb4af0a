import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { runner } from 'node-pg-migrate'
import pg from 'pg'
import { StoreUnavailableError } from '../../errors.ts'
import type { AppOptions } from '../../app.ts'
import { redactUrl } from '../../config.ts'
import { measureRoundTrip } from './round-trips.ts'

declare module 'fastify' {
  interface FastifyInstance {
    pg: pg.Pool
  }
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url))

/** A SQLSTATE from the server means Postgres answered; anything else, or a connection-class state, is an outage. */
function isOutage(error: unknown): boolean {
  const code = (error as { code?: unknown }).code
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true
  return code.startsWith('08') || code.startsWith('57P') || code.startsWith('53')
}

/** "SELECT sessions" from a statement's name, or from its verb and first table. */
export function describeQuery(query: string | pg.QueryConfig): string {
  if (typeof query !== 'string' && query.name) return query.name
  const text = typeof query === 'string' ? query : query.text
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'QUERY'
  const table = /\b(?:from|into|update)\s+([a-z_][\w.]*)/i.exec(text)?.[1]
  return table ? `${verb} ${table}` : verb
}

/**
 * PGlite (the embedded Postgres) serves every connection from one backend session, so a named
 * prepared statement outlives the connection that made it: the next connection's first use of the
 * name fails with "already exists" (after the pool drops an idle connection, or in a second replica).
 */
async function sharesOneSession(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ version: string }>('SELECT version()')
  return /PGlite/.test(rows[0]?.version ?? '')
}

/**
 * A query whose timeout is what the wait for a pooled connection left of the store's: pg reads
 * `query_timeout` once the pool has given the query its connection, so waiting for one and querying
 * stay within one timeout together (pool.query alone gives each its own: twice the timeout, and twice
 * again for a request's second query, past the web origin's 5 s).
 */
class QueryWithin {
  readonly text: string
  readonly values: unknown[] | undefined
  readonly name: string | undefined
  readonly #deadline: number

  constructor(query: string | pg.QueryConfig, values: unknown[] | undefined, { named, timeoutMs }: { named: boolean; timeoutMs: number }) {
    this.text = typeof query === 'string' ? query : query.text
    this.values = values ?? (typeof query === 'string' ? undefined : query.values)
    this.name = named && typeof query !== 'string' ? query.name : undefined
    this.#deadline = performance.now() + timeoutMs
  }

  get query_timeout(): number {
    return Math.max(1, this.#deadline - performance.now())
  }
}

/**
 * Instruments the pool once: every query is timed, attributed, bounded by `timeoutMs` from the moment
 * it is asked (QueryWithin) and, when Postgres is unreachable, turned into a 503. With `unnamed`,
 * statements keep their name for Server-Timing but are sent unnamed (parsed each time), so no
 * statement outlives its connection.
 */
function instrument(pool: pg.Pool, { unnamed, timeoutMs }: { unnamed: boolean; timeoutMs: number }): void {
  const failure = (error: unknown) => (isOutage(error) ? new StoreUnavailableError('postgres', { cause: error }) : error)
  const query = pool.query.bind(pool) as (q: pg.QueryConfig) => Promise<pg.QueryResult>
  pool.query = ((q: string | pg.QueryConfig, values?: unknown[]) =>
    measureRoundTrip('pg', describeQuery(q), () => query(new QueryWithin(q, values, { named: !unnamed, timeoutMs })), { failure })) as pg.Pool['query']
}

async function postgresPlugin(fastify: FastifyInstance, opts: AppOptions) {
  const { databaseUrl, postgresPoolMax, postgresIdleTimeout, postgresTimeout = 1 } = opts.config
  try {
    await runner({
      databaseUrl,
      dir: MIGRATIONS_DIR,
      migrationsTable: 'pgmigrations',
      direction: 'up',
      count: Infinity,
      // Replicas (and parallel test files) starting together take turns instead of failing.
      advisoryLockMode: 'wait',
      log: (message) => fastify.log.debug(message),
    })
  } catch (error) {
    throw new Error(`Cannot migrate Postgres at ${redactUrl(databaseUrl)}: ${(error as Error).message}`, { cause: error })
  }
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: postgresPoolMax,
    // The contract: a store that stops answering is a 503 within about a second, connecting or querying
    // (an instrumented query's timeout counts from when it was asked: QueryWithin).
    connectionTimeoutMillis: postgresTimeout * 1000,
    query_timeout: postgresTimeout * 1000,
    idleTimeoutMillis: postgresIdleTimeout * 1000,
  })
  pool.on('error', (error) => fastify.log.warn({ err: error }, 'idle postgres connection failed'))
  instrument(pool, { unnamed: await sharesOneSession(pool), timeoutMs: postgresTimeout * 1000 })
  fastify.decorate('pg', pool)
  fastify.addHook('onClose', async () => {
    await pool.end()
  })
}

export default fp(postgresPlugin, { name: 'postgres', dependencies: ['round-trips'] })
