import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { formatServerTiming, type RoundTrip, type StoreName, type StrategyName } from '@lab/contracts'

/** Everything measured while serving one request. */
export interface RequestTrace {
  start: number
  roundTrips: RoundTrip[]
  authMs: number | null
  errorCode: string | null
  /** the Server-Timing `total`, once written */
  totalMs: number | null
}

declare module 'fastify' {
  interface FastifyRequest {
    trace: RequestTrace
  }
  interface FastifyContextConfig {
    /** routes the live record leaves out (the live stream itself) */
    untraced?: boolean
    /** the strategy a route belongs to (the live record names it) */
    strategy?: StrategyName
  }
}

const traces = new AsyncLocalStorage<RequestTrace>()

const pipelines = new WeakMap<object, RoundTrip>()

/** The entry a command is recorded in: its own, or the one its pipeline's first command opened. */
function entryFor(trace: RequestTrace, store: StoreName, command: string, pipeline: object | undefined): RoundTrip {
  const shared = pipeline && pipelines.get(pipeline)
  if (shared) {
    shared.command += ` ${command}`
    return shared
  }
  const entry: RoundTrip = { store, command, startMs: performance.now() - trace.start, durationMs: 0, ok: true }
  trace.roundTrips.push(entry)
  if (pipeline) pipelines.set(pipeline, entry)
  return entry
}

/** A client that throws instead of rejecting still answers with a rejected promise. */
function sendSafely<T>(send: () => Promise<T>): Promise<T> {
  try {
    return send()
  } catch (error) {
    return Promise.reject(error as Error)
  }
}

/**
 * Runs one store command and, when it was caused by a request, records it on that request. The
 * commands of one pipeline (`pipeline` is the same object for all of them) travel in one round
 * trip: they share one entry, named after all of them, lasting until the last answer. The Redis and
 * Postgres clients call this for every command (see plugins/app/redis.ts and postgres.ts), with
 * `failure` turning what the client throws into what the request answers. One promise per command.
 */
export function measureRoundTrip<T>(
  store: StoreName,
  command: string,
  send: () => Promise<T>,
  { pipeline, failure }: { pipeline?: object | undefined; failure: (error: unknown) => unknown },
): Promise<T> {
  const trace = traces.getStore()
  if (trace === undefined) {
    return sendSafely(send).catch((error: unknown) => {
      throw failure(error)
    })
  }
  const entry = entryFor(trace, store, command, pipeline)
  const settle = (ok: boolean) => {
    entry.durationMs = Math.max(entry.durationMs, performance.now() - trace.start - entry.startMs)
    entry.ok &&= ok
  }
  return sendSafely(send).then(
    (result) => {
      settle(true)
      return result
    },
    (error: unknown) => {
      settle(false)
      throw failure(error)
    },
  )
}

/** Adds time spent checking the request's credential to its `auth` timing. */
export function addAuthTime(request: FastifyRequest, ms: number): void {
  request.trace.authMs = (request.trace.authMs ?? 0) + ms
}

/** Measures an async credential check as auth time. */
export async function timeAuth<T>(request: FastifyRequest, check: () => Promise<T>): Promise<T> {
  const start = performance.now()
  try {
    return await check()
  } finally {
    addAuthTime(request, performance.now() - start)
  }
}

function setServerTiming(trace: RequestTrace, reply: FastifyReply): void {
  const entries = trace.roundTrips.map((rt) => formatServerTiming(rt.store, rt.durationMs, rt.command))
  if (trace.authMs !== null) entries.push(formatServerTiming('auth', trace.authMs))
  trace.totalMs = performance.now() - trace.start
  entries.push(formatServerTiming('total', trace.totalMs))
  reply.header('server-timing', entries.join(', '))
}

/** Attributes every store round trip to the request that caused it and reports them in Server-Timing. */
async function roundTrips(fastify: FastifyInstance) {
  fastify.decorateRequest('trace', null as unknown as RequestTrace)

  fastify.addHook('onRequest', (request, _reply, done) => {
    request.trace = { start: performance.now(), roundTrips: [], authMs: null, errorCode: null, totalMs: null }
    done()
  })
  // Entered once, after the body is parsed (its socket callbacks run outside any context), for the
  // validation and the handler: no hook before them talks to a store.
  fastify.addHook('preValidation', (request, _reply, done) => {
    traces.run(request.trace, done)
  })
  // The live stream (`untraced`) hijacks its reply: only its errors pass here, and carry Server-Timing as every error does.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.trace) setServerTiming(request.trace, reply)
    done(null, payload)
  })
}

export default fp(roundTrips, { name: 'round-trips', dependencies: ['response-headers'] })
