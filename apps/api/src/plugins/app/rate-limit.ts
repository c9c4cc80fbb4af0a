import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, RLWrapperTimeouts } from 'rate-limiter-flexible'
import { cookieNameFor } from '../../cookies.ts'
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
 * An attacker could keep an account waiting by failing on purpose (a lockout of its owner). So a
 * browser that has logged in to an account before gets a device cookie for it (OWASP's "device
 * cookies"): while the account waits, such a browser is not held by the account's wait but by its
 * own, which only its own failures lengthen.
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
  /** A right password: the account's count of failures starts afresh, and this browser becomes one of its devices. */
  succeeded(request: FastifyRequest, reply: FastifyReply, username: string): Promise<void>
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

const DEVICE_COOKIE_PATH = '/api'
const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 3600
/** One device cookie per account a browser logs in to (the lab's people switch between alice and admin). */
const deviceCookieName = (account: string) => `device_${createHash('sha256').update(account).digest('base64url').slice(0, 10)}`

async function rateLimitPlugin(fastify: FastifyInstance) {
  const { loginRateLimit, clientRateLimit, sessionSecret } = fastify.config
  const deviceKey = Buffer.from(hkdfSync('sha256', sessionSecret, '', 'session-vs-jwt-lab device cookie', 32))
  const sign = (account: string, nonce: string) => createHmac('sha256', deviceKey).update(`${account}\n${nonce}`).digest()
  /** The id of this browser's device cookie for the account, when the server issued it at one of the account's logins. */
  const deviceOf = (request: FastifyRequest, account: string): string | null => {
    const value = request.cookies[cookieNameFor(request, deviceCookieName(account), DEVICE_COOKIE_PATH)]
    const [nonce, signature] = value?.split('.') ?? []
    if (!nonce || !signature || !/^[\w-]{22}$/.test(nonce)) return null
    const given = Buffer.from(signature, 'base64url')
    const expected = sign(account, nonce)
    return given.length === expected.length && timingSafeEqual(given, expected) ? nonce : null
  }
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
  // The same for one device of an account: its own failures, consulted while the account waits.
  const deviceFailures = limiter('lab:throttle:device', Number.MAX_SAFE_INTEGER, ACCOUNT_WINDOW_S)
  const deviceWaits = limiter('lab:throttle:device-wait', 1, 1)

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
      let accountMs = waiting(wait, 1)
      // A device of the account is held by its own wait instead: an attacker's failures cannot lock its owner out.
      const device = accountMs > 0 && username !== null ? deviceOf(request, accountKey(username)) : null
      if (device !== null) accountMs = waiting(await deviceWaits.get(device), 1)
      // The request itself was counted (consume); failures are counted after the fact, so the limit is reached at equality.
      const ms = Math.max(waiting(requests, clientRateLimit), waiting(failures, clientFailuresAllowed - 1), accountMs)
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
      // A device's failures are its own count too, which holds it while the account waits.
      const device = deviceOf(request, key)
      if (device !== null) {
        const own = backoffSeconds((await deviceFailures.penalty(device)).consumedPoints, loginRateLimit)
        if (own > 0) await deviceWaits.block(device, own)
      }
    },
    async succeeded(request, reply, username) {
      const key = accountKey(username)
      const device = deviceOf(request, key)
      await Promise.all([accountFailures.delete(key), device === null ? null : deviceFailures.delete(device)])
      const nonce = device ?? randomBytes(16).toString('base64url')
      reply.setCookie(cookieNameFor(request, deviceCookieName(key), DEVICE_COOKIE_PATH), `${nonce}.${sign(key, nonce).toString('base64url')}`, {
        path: DEVICE_COOKIE_PATH,
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        maxAge: DEVICE_COOKIE_MAX_AGE_S,
      })
    },
  }
  fastify.decorate('authThrottle', throttle)
}

export default fp(rateLimitPlugin, { name: 'rate-limit', dependencies: ['redis'] })
