import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible'
import { RateLimitedError } from '../../errors.ts'

/**
 * Slows password guessing without ever locking a classroom out (OWASP ASVS 6.3.1), in two ways:
 * - per account, whatever address the guesses come from: failed logins and password changes of one
 *   username. The first LOGIN_RATE_LIMIT are free; after that each failure doubles the wait before
 *   that account may try again (1 s, 2 s, 4 s … 15 min). A successful login starts the count afresh.
 * - per client, keyed on the real client address (`request.ip`, which believes X-Forwarded-For only
 *   from TRUST_PROXY): CLIENT_RATE_LIMIT login, refresh and password requests a minute (a flood, and
 *   argon2 work), and LOGIN_RATE_LIMIT × 20 failures per 15 minutes across all accounts (stuffing).
 * Honest use from one address — a room of people behind one NAT — stays far below both.
 *
 * Counters live in Redis, so replicas share them. When Redis does not answer within 250 ms, each
 * process counts in its own memory instead (rate-limiter-flexible's insurance): a Redis outage neither
 * lifts the limits nor stops the logins of strategies that do not need Redis.
 */
export interface AuthThrottle {
  /** Before a password is checked: a 429 when this client or this account must wait. */
  beforeAttempt(request: FastifyRequest, username: string | null): Promise<void>
  /** A wrong password (or an unknown user): counts for the account and the client. */
  failed(request: FastifyRequest, username: string): Promise<void>
  /** A right password: the account's count of failures starts afresh. */
  succeeded(username: string): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    authThrottle: AuthThrottle
  }
}

/** Past this, Redis counts as unavailable for this check and the in-memory counters decide. */
const REDIS_TIMEOUT_MS = 250
const ACCOUNT_WINDOW_S = 3600
const MAX_WAIT_S = 15 * 60
const CLIENT_FAILURE_WINDOW_S = 15 * 60

/** Seconds an account waits after its nth failure, once the free ones are used up. */
export function backoffSeconds(failures: number, free: number): number {
  return failures <= free ? 0 : Math.min(2 ** (failures - free - 1), MAX_WAIT_S)
}

/** One identity per account however its name is typed, so `Alice` and `alice ` share a count. */
const accountKey = (username: string) => username.normalize('NFKC').trim().toLowerCase()

async function rateLimitPlugin(fastify: FastifyInstance) {
  const { loginRateLimit, clientRateLimit } = fastify.config
  const limiter = (keyPrefix: string, points: number, duration: number) =>
    new RLWrapperTimeouts({
      limiter: new RateLimiterRedis({ storeClient: fastify.redis, keyPrefix, points, duration, rejectIfRedisNotReady: true }),
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
      timeoutMs: REDIS_TIMEOUT_MS,
    })
  const clientRequests = limiter('lab:throttle:client', clientRateLimit, 60)
  const clientFailures = limiter('lab:throttle:client-failures', Number.MAX_SAFE_INTEGER, CLIENT_FAILURE_WINDOW_S)
  const accountFailures = limiter('lab:throttle:account', Number.MAX_SAFE_INTEGER, ACCOUNT_WINDOW_S)
  // `block` marks an account as waiting for its back-off; the key lives exactly as long as the wait.
  const accountWaits = limiter('lab:throttle:account-wait', 1, 1)

  /** How long to wait when a counter is past `allowed`; 0 when it is not. */
  const waiting = (res: RateLimiterRes | null, allowed: number) =>
    res !== null && res.consumedPoints > allowed && res.msBeforeNext > 0 ? res.msBeforeNext : 0
  const clientFailuresAllowed = loginRateLimit * 20

  const throttle: AuthThrottle = {
    async beforeAttempt(request, username) {
      const [requests, failures, wait] = await Promise.all([
        clientRequests.consume(request.ip).catch((error: unknown) => {
          if (error instanceof RateLimiterRes) return error
          throw error
        }),
        clientFailures.get(request.ip),
        username === null ? null : accountWaits.get(accountKey(username)),
      ])
      // The request itself was counted (consume); failures are counted after the fact, so the limit is reached at equality.
      const ms = Math.max(waiting(requests, clientRateLimit), waiting(failures, clientFailuresAllowed - 1), waiting(wait, 1))
      if (ms > 0) {
        request.log.warn({ event: 'auth.rate_limited', username, ip: request.ip, retryInMs: ms }, 'auth attempt refused: rate limit')
        throw new RateLimitedError(ms)
      }
    },
    async failed(request, username) {
      const key = accountKey(username)
      const [account] = await Promise.all([accountFailures.penalty(key), clientFailures.penalty(request.ip)])
      const wait = backoffSeconds(account.consumedPoints, loginRateLimit)
      if (wait > 0) await accountWaits.block(key, wait)
    },
    async succeeded(username) {
      await accountFailures.delete(accountKey(username))
    },
  }
  fastify.decorate('authThrottle', throttle)
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['redis'] })
