import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Redis, ReplyError } from 'ioredis'
import { StoreUnavailableError } from '../../errors.ts'
import type { AppOptions } from '../../app.ts'
import { redactUrl } from '../../config.ts'
import { measureRoundTrip } from './round-trips.ts'

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis
  }
}

/** Past this a command counts as lost and the request answers 503 (a paused or hung Redis). */
const COMMAND_TIMEOUT_MS = 800

/**
 * Instruments the client once: every round trip is timed and attributed (the commands of one pipeline
 * or MULTI share one), and, when Redis is unreachable, turned into a 503.
 */
function instrument(redis: Redis): void {
  const send = redis.sendCommand.bind(redis)
  // A ReplyError is Redis answering "no" (a bug of ours): only a missing answer means an outage.
  const failure = (error: unknown) => (error instanceof ReplyError ? error : new StoreUnavailableError('redis', { cause: error }))
  redis.sendCommand = ((command, stream) => {
    // ioredis passes a stream only for the commands of a pipeline, which travel together.
    const result = measureRoundTrip('redis', command.name.toUpperCase(), () => send(command, stream) as Promise<unknown>, { pipeline: stream, failure })
    // Callers that pass a callback (rate-limiter-flexible's scripts, pipelines) never read this promise:
    // without a handler its rejection during an outage would be unhandled and end the process.
    result.catch(() => {})
    return result
  }) as Redis['sendCommand']
}

async function redisPlugin(fastify: FastifyInstance, opts: AppOptions) {
  const redis = new Redis(opts.config.redisUrl, {
    lazyConnect: true,
    // Fail at once while disconnected instead of queueing without bound: the request gets a fast 503.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  })
  let reported = false
  redis.on('error', (error: Error) => {
    if (!reported) fastify.log.warn({ err: error }, 'redis unreachable; retrying')
    reported = true
  })
  redis.on('ready', () => {
    if (reported) fastify.log.info('redis reachable again')
    reported = false
  })
  try {
    await redis.connect()
  } catch (error) {
    redis.disconnect()
    throw new Error(`Cannot reach Redis at ${redactUrl(opts.config.redisUrl)}: ${(error as Error).message}`, { cause: error })
  }
  instrument(redis)
  fastify.decorate('redis', redis)
  fastify.addHook('onClose', async () => {
    await redis.quit().catch(() => redis.disconnect())
  })
}

export default fp(redisPlugin, { name: 'redis', dependencies: ['round-trips'] })
