import { startEmbeddedPostgres } from './postgres.ts'
import { provideRedis } from './redis.ts'

export { EMBEDDED_POSTGRES_TIMEOUT } from './postgres.ts'

// For launchers and tests outside the API (the Playwright suite starts its own Redis to pause; the
// store-fault tests their own Redis and Postgres servers to kill).
export { freePort } from './free-port.ts'
export { startRedisServer } from './redis.ts'
export { startPostgresServer, type PostgresServer } from './postgres-server.ts'

/** A store the API uses, and how to stop it if the launcher started it. */
export interface LocalStore {
  url: string
  description: string
  stop: () => Promise<void>
}

export interface Stores {
  databaseUrl: string
  redisUrl: string
  embeddedPostgres: boolean
  /** what was used, for the start-up log */
  descriptions: string[]
  /** stops what was started here; stores given by URL are left alone */
  stop: () => Promise<void>
}

/** The configured stores, or local ones: an embedded Postgres, and a Redis found or started. */
export async function provideStores(configured: { databaseUrl: string | undefined; redisUrl: string | undefined }): Promise<Stores> {
  const started: LocalStore[] = []
  const stop = async () => {
    await Promise.allSettled(started.map((store) => store.stop()))
  }
  try {
    const postgres = configured.databaseUrl
      ? { url: configured.databaseUrl, description: 'Postgres from DATABASE_URL', stop: async () => {} }
      : await startEmbeddedPostgres()
    started.push(postgres)
    const redis = configured.redisUrl
      ? { url: configured.redisUrl, description: 'Redis from REDIS_URL', stop: async () => {} }
      : await provideRedis()
    started.push(redis)
    return {
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      embeddedPostgres: !configured.databaseUrl,
      descriptions: [postgres.description, redis.description],
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
