import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { freePort } from './free-port.ts'
import type { LocalStore } from './index.ts'

/**
 * Seconds an API process waits on the embedded Postgres before calling it unavailable (DATABASE_TIMEOUT),
 * instead of a server's 1: it answers one query at a time for every process that shares it, each
 * holding one connection, so a classroom's queries queue, and on a busy machine (a CI run, a laptop
 * sharing a projector) that queue can pass 1 s with nothing wrong with the store. Twice that, for a
 * request's two queries in a row, stays under the web origin's 5 s wait for an answer.
 */
export const EMBEDDED_POSTGRES_TIMEOUT = 2

/**
 * Postgres in WebAssembly (PGlite) behind a real wire-protocol socket, so `pg` talks to it exactly as
 * to a server. In memory: the demo starts with an empty database each time. All connections share
 * one backend, so the API uses a pool of one connection with it.
 */
export async function startEmbeddedPostgres(): Promise<LocalStore> {
  const db = await PGlite.create()
  const port = await freePort()
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 4 })
  await server.start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    description: `embedded Postgres (PGlite) on port ${port}`,
    stop: async () => {
      if (db.closed) return
      await server.stop()
      await db.close()
    },
  }
}
