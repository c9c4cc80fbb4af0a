import { AsyncLocalStorage } from 'node:async_hooks'
import { performance } from 'node:perf_hooks'
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { formatServerTiming, type RoundTrip, type StoreName, type StrategyName } from '@lab/contracts'

/** Everything measured while serving one request. */
export interface RequestTrace {
  start: number
  roundTrips: RoundTrip[]
  authMs: number | null
  errorCode: string | null
}

declare module 'fastify' {
  interface FastifyRequest {
    trace: RequestTrace
  }
  interface FastifyContextConfig {
    /** routes that must not carry Server-Timing (the live stream itself) */
    untraced?: boolean
    /** the strategy a route belongs to; its scope writes Server-Timing itself (see `serverTimingHook`) */
    strategy?: StrategyName
  }
}

const traces = new AsyncLocalStorage<RequestTrace>()

/**
 * Runs one store command and, when it was caused by a request, records it on that request.
 * The Redis and Postgres clients call this for every command (see plugins/app/redis.ts and postgres.ts).
 */
export async function measureRoundTrip<T>(store: StoreName, command: string, send: () => Promise<T>): Promise<T> {
  const trace = traces.getStore()
  if (trace === undefined) return send()
  const start = performance.now()
  let ok = false
  try {
    const result = await send()
    ok = true
    return result
  } finally {
    const end = performance.now()
    trace.roundTrips.push({ store, command, startMs: start - trace.start, durationMs: end - start, ok })
  }
}

const pipelines = new WeakMap<object, RoundTrip>()

/**
 * Runs one command of a pipeline (`group` is the same object for all its commands): they travel in one
 * round trip, so they share one entry, named after all of them, lasting until the last answer.
 */
export async function measurePipelined<T>(store: StoreName, group: object, command: string, send: () => Promise<T>): Promise<T> {
  const trace = traces.getStore()
  if (trace === undefined) return send()
  let entry = pipelines.get(group)
  const now = performance.now()
  if (entry === undefined) {
    entry = { store, command, startMs: now - trace.start, durationMs: 0, ok: true }
    pipelines.set(group, entry)
    trace.roundTrips.push(entry)
  } else {
    entry.command += ` ${command}`
  }
  const shared = entry
  let ok = false
  try {
    const result = await send()
    ok = true
    return result
  } finally {
    shared.durationMs = Math.max(shared.durationMs, performance.now() - trace.start - shared.startMs)
    shared.ok &&= ok
  }
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
  entries.push(formatServerTiming('total', performance.now() - trace.start))
  reply.header('server-timing', entries.join(', '))
}

/**
 * Writes Server-Timing. A strategy scope adds this as its last onSend hook, because a strategy's
 * own plugins may still make round trips in onSend after the root hooks have run.
 */
export const serverTimingHook: onSendHookHandler = (request, reply, payload, done) => {
  setServerTiming(request.trace, reply)
  done(null, payload)
}

/** Attributes every store round trip to the request that caused it and reports them in Server-Timing. */
async function roundTrips(fastify: FastifyInstance) {
  fastify.decorateRequest('trace', null as unknown as RequestTrace)

  fastify.addHook('onRequest', (request, _reply, done) => {
    request.trace = { start: performance.now(), roundTrips: [], authMs: null, errorCode: null }
    done()
  })
  // Entered once, after the body is parsed (its socket callbacks run outside any context), for the
  // validation and the handler: no hook before them talks to a store.
  fastify.addHook('preValidation', (request, _reply, done) => {
    traces.run(request.trace, done)
  })
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const { untraced, strategy } = request.routeOptions.config
    if (request.trace && !untraced && !strategy) setServerTiming(request.trace, reply)
    done(null, payload)
  })
}

export default fp(roundTrips, { name: 'round-trips', dependencies: ['response-headers'] })
