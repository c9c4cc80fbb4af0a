import { Redis, ReplyError } from 'ioredis'
import { OrdersError, storeUnavailable } from './errors.ts'
import { hop } from './timing.ts'

/** Past this a command counts as lost and the request answers 503 (a paused or hung Redis). */
const COMMAND_TIMEOUT_MS = 800

/** A Redis client that fails fast when Redis is away, and records every command as a `redis` hop of the request that sent it. */
export function createRedis(url: string, onError: (error: Error) => void): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  })
  redis.on('error', onError)
  const send = redis.sendCommand.bind(redis)
  redis.sendCommand = ((command, stream) => {
    const result = hop('redis', command.name.toUpperCase(), () => send(command, stream) as Promise<unknown>).catch((error: unknown) => {
      throw error instanceof ReplyError || error instanceof OrdersError ? error : storeUnavailable('Redis')
    })
    result.catch(() => {})
    return result
  }) as Redis['sendCommand']
  return redis
}
