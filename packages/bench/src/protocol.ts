// The messages between the bench (parent) and the servers under test (forked children: bench-server.ts, bare-server.ts).
import type { LoopDelay } from '@lab/bench-report'
import type { ProbeCredentials } from './probes.ts'

export interface ServerVersions {
  /** Fastify of both servers under test (the bench's) */
  fastify: string
  redis: string
  postgres: string
  /** `server` for a real PostgreSQL, `embedded` for PGlite (Postgres in WebAssembly) */
  postgresKind: 'server' | 'embedded'
}

export interface Requests {
  /** creates `count` users named prefix0…prefix{count-1} sharing one argon2id hash of `password` */
  'seed-users': { args: { prefix: string; count: number; password: string }; result: null }
  /** signed session ids for the cookie probes, starting with `prefix`, each with its signed copy */
  'seed-probes': { args: { prefix: string; count: number }; result: ProbeCredentials }
  /** event-loop delay since the last reset, then resets */
  'loop-delay': { args: null; result: LoopDelay }
  versions: { args: null; result: ServerVersions }
  /** deletes the users (their refresh tokens and Postgres sessions with them) and the probes' keys and rows */
  cleanup: { args: { prefix: string }; result: null }
}

export type RequestName = keyof Requests

export interface RequestMessage<N extends RequestName = RequestName> {
  id: number
  name: N
  args: Requests[N]['args']
}

export type ReplyMessage = { id: number; result: unknown } | { id: number; error: string }

export interface ReadyMessage {
  ready: true
  port: number
}
