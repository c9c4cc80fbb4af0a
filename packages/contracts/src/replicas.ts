import { Type, type Static } from 'typebox'
import { UserSchema } from './schemas.ts'

/** Response header naming the API replica (process) that served the request. */
export const REPLICA_HEADER = 'x-replica'

/**
 * Request header the lab's load balancer (nginx) reads to send a request to one named replica instead
 * of the next in turn: the replicas view uses it to log in on one replica and ask another who it is.
 */
export const REPLICA_PIN_HEADER = 'x-lab-replica'

/**
 * A `session` kept in one API process's memory. Deliberately not one of STRATEGIES: the API serves it
 * only to the replicas view (demo profile with LAB_REPLICAS=true), under /api/replicas/session-memory,
 * to show a session that does not survive a hop between replicas.
 */
export const MEMORY_SESSION = 'session-memory' as const

/** `GET /api/replicas`, answered by the load balancer itself: the replicas it spreads requests over. */
export const ReplicasSchema = Type.Object({
  replicas: Type.Array(Type.String(), { minItems: 1 }),
})
export type Replicas = Static<typeof ReplicasSchema>

/** Login and /me of the in-memory session (`/api/replicas/session-memory/*`). */
export const MemorySessionResponseSchema = Type.Object({
  user: UserSchema,
  strategy: Type.Literal(MEMORY_SESSION),
})
export type MemorySessionResponse = Static<typeof MemorySessionResponseSchema>
