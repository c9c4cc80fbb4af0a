import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Redis, ReplyError, type Command } from 'ioredis'
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
export const COMMAND_TIMEOUT_MS = 800
/** How often the watchdog looks: a lost command is refused 800–850 ms after it was sent. */
const WATCHDOG_TICK_MS = 50
const TIMEOUT_TICKS = COMMAND_TIMEOUT_MS / WATCHDOG_TICK_MS

/**
 * Refuses every command still unanswered COMMAND_TIMEOUT_MS after it was sent, as ioredis'
 * `commandTimeout` does ("Command timed out"), but with one timer for all of them. ioredis arms a
 * timer per command and deletes it from the command when the answer comes (which turns each command
 * into a slow dictionary object): measured with callgrind on `session` /me, 12,000 of its 237,000
 * instructions per request (5 %), for a timeout that fires only in an outage.
 */
class CommandWatchdog {
  /** unsettled or not yet looked at, in the order they were sent; `sentAt` is the tick each one was sent in */
  readonly #commands: Command[] = []
  readonly #sentAt: number[] = []
  #tick = 0
  readonly #timer: NodeJS.Timeout

  constructor() {
    this.#timer = setInterval(() => this.#refuseLost(), WATCHDOG_TICK_MS).unref()
  }

  watch(command: Command): void {
    this.#commands.push(command)
    this.#sentAt.push(this.#tick)
  }

  #refuseLost(): void {
    this.#tick++
    const lostBefore = this.#tick - TIMEOUT_TICKS
    let done = 0
    // Sent in order, so the first unanswered command younger than the timeout ends the look: all after it are younger.
    for (; done < this.#commands.length; done++) {
      const command = this.#commands[done] as Command
      if (command.isSettled) continue
      if ((this.#sentAt[done] as number) >= lostBefore) break
      command.reject(new Error('Command timed out'))
    }
    this.#commands.splice(0, done)
    this.#sentAt.splice(0, done)
  }

  stop(): void {
    clearInterval(this.#timer)
  }
}

/**
 * Instruments the client once: every round trip is timed and attributed (the commands of one pipeline
 * or MULTI share one), refused when Redis does not answer in time, and then turned into a 503.
 */
function instrument(redis: Redis, watchdog: CommandWatchdog): void {
  const send = redis.sendCommand.bind(redis)
  // A ReplyError is Redis answering "no" (a bug of ours): only a missing answer means an outage.
  const failure = (error: unknown) => (error instanceof ReplyError ? error : new StoreUnavailableError('redis', { cause: error }))
  redis.sendCommand = ((command, stream) => {
    watchdog.watch(command)
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
  const watchdog = new CommandWatchdog()
  instrument(redis, watchdog)
  fastify.decorate('redis', redis)
  fastify.addHook('onClose', async () => {
    watchdog.stop()
    await redis.quit().catch(() => redis.disconnect())
  })
}

export default fp(redisPlugin, { name: 'redis', dependencies: ['round-trips'] })
