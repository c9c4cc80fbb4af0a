import { STATUS_CODES } from 'node:http'
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import cookie from '@fastify/cookie'
import type pg from 'pg'
import {
  ACCESS_TOKEN_COOKIE,
  ORDERS_STRATEGIES,
  SESSION_CACHE_COOKIE,
  SESSION_COOKIE,
  isOrdersStrategy,
  type ErrorBody,
  type ErrorCode,
  type OrdersCheck,
  type OrdersHealth,
  type OrdersResponse,
  type OrdersStrategy,
  type User,
} from '@lab/contracts'
import { requestLimits } from '@lab/api/request-limits'
import { Denylist, cookieNameFor } from '@lab/api/shared-stores'
import type { OrdersConfig } from './config.ts'
import { OrdersError, authInvalid, authMissing } from './errors.ts'
import { introspector } from './introspection.ts'
import { jwksVerifier } from './jwks.ts'
import { ordersOf } from './orders-data.ts'
import { createRedis } from './redis.ts'
import { createPgPool, storeReader } from './store.ts'
import { newTrace, serverTiming, timeAuth, type Trace } from './timing.ts'

declare module 'fastify' {
  interface FastifyRequest {
    ordersTrace: Trace
  }
}

/** On every response: JSON that nothing may load, run, frame or cache. */
const HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
}

/** No line per request: the demo's terminal shows the API's; this service logs what goes wrong. */
class QuietRequests extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(): void {}
}

const errorBody = (statusCode: number, code: ErrorCode, message: string): ErrorBody => ({ statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message })

/** Fastify's own 4xx (a malformed URL, a body on a GET…) in the lab's codes; anything else is ours or a 500. */
function toErrorBody(error: FastifyError | OrdersError): ErrorBody {
  if (error instanceof OrdersError) return errorBody(error.statusCode, error.code, error.message)
  const status = error.statusCode ?? 500
  if (status === 413) return errorBody(413, 'PAYLOAD_TOO_LARGE', 'Request body too large')
  if (status === 415) return errorBody(415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported media type')
  if (status >= 400 && status < 500) return errorBody(400, 'BAD_REQUEST', 'Malformed request')
  return errorBody(500, 'INTERNAL_ERROR', 'Internal server error')
}

/** Where the API scopes each cookie this service reads: the path decides its https name (`__Host-` for /, `__Secure-` otherwise). */
const SESSION_COOKIE_PATH = '/'
const ACCESS_TOKEN_COOKIE_PATH = '/api/jwt-cookie'

const bearerOf = (authorization: string | undefined): string => {
  if (authorization === undefined || authorization === '') throw authMissing()
  const token = /^Bearer +(\S+)$/i.exec(authorization)?.[1]
  if (token === undefined) throw authInvalid('Authorization must be "Bearer <token>"')
  return token
}

/**
 * The orders service: `GET /orders/:strategy` answers the caller's orders, authenticating each
 * strategy its own way (see `authenticate`), with the API's Server-Timing and error format.
 */
export async function buildOrders(config: OrdersConfig): Promise<FastifyInstance> {
  const fastify = Fastify({
    logger: { level: config.logLevel, redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' } },
    // X-Forwarded-Proto from TRUST_PROXY only (the web origin's proxy): it decides the cookies' names, as at the API.
    trustProxy: config.trustProxy,
    // Warnings and errors only: the demo's terminal is the API's.
    logController: new QuietRequests(),
    // The API's: a 16 KiB body, a whole request within 10 s (else 408), oversized headers a 431, in the error format.
    ...requestLimits(HEADERS),
    // A malformed URL (`/orders/%E0`) is refused before routing, where the error handler never sees it.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const body = toErrorBody(error)
      return reply.code(body.statusCode).headers(HEADERS).type('application/json').send(body)
    },
  })
  let redisReported = false
  const redis = createRedis(config.redisUrl, (error) => {
    if (!redisReported) fastify.log.warn({ err: error }, 'redis unreachable; retrying')
    redisReported = true
  })
  redis.on('ready', () => (redisReported = false))
  const pool: pg.Pool | null = config.store ? createPgPool(config.store.databaseUrl, config.storeTimeoutMs) : null
  fastify.addHook('onClose', async () => {
    redis.disconnect()
    await pool?.end()
  })

  const jwks = jwksVerifier(config.apiUrl, config.jwksMaxAgeMs)
  const denylist = new Denylist(redis, 0)
  const introspect = introspector(config.apiUrl, config.storeTimeoutMs)
  const readStore = config.store && pool ? storeReader({ redis, pool, ...config.store }) : null

  await fastify.register(cookie)

  /** Each strategy, its own way. */
  async function authenticate(strategy: OrdersStrategy, request: FastifyRequest): Promise<{ user: User; check: OrdersCheck }> {
    // Exactly the name the API gives a cookie on this request's scheme, never the other: over https a
    // bare `sid` or `at` (which a sibling subdomain or a plain-http response can plant) is ignored.
    const cookieOf = (base: string, path: string): [string, string] | null => {
      const name = cookieNameFor(request, base, path)
      const value = request.cookies[name]
      return value ? [name, value] : null
    }
    switch (strategy) {
      case 'jwt':
        return { user: (await jwks.verify(bearerOf(request.headers.authorization), strategy)).user, check: 'jwks' }
      case 'jwt-cookie': {
        // The API sets `at` with Path=/api/jwt-cookie: a browser never sends it here.
        const token = cookieOf(ACCESS_TOKEN_COOKIE, ACCESS_TOKEN_COOKIE_PATH)?.[1]
        if (!token) throw authMissing('No access token cookie: the API scopes cookie `at` to Path=/api/jwt-cookie, so the browser does not send it to /orders')
        return { user: (await jwks.verify(token, strategy)).user, check: 'jwks' }
      }
      case 'jwt-denylist': {
        const token = await jwks.verify(bearerOf(request.headers.authorization), strategy)
        if (await denylist.isRevoked({ ...token, sub: token.user.id, username: token.user.username, role: token.user.role })) {
          throw new OrdersError(401, 'AUTH_REVOKED', 'Credential revoked')
        }
        return { user: token.user, check: 'jwks+denylist' }
      }
      case 'session':
      case 'session-pg':
      case 'session-cached': {
        const session = cookieOf(SESSION_COOKIE[strategy], SESSION_COOKIE_PATH)
        if (readStore) return { user: await readStore(strategy, session?.[1]), check: 'store' }
        // session-cached's signed cache cookie rides along (the API reads it before its store).
        const cookies = [session, strategy === 'session-cached' ? cookieOf(SESSION_CACHE_COOKIE, SESSION_COOKIE_PATH) : null]
        const sent = cookies.flatMap((cookie) => (cookie ? [`${cookie[0]}=${encodeURIComponent(cookie[1])}`] : []))
        return { user: await introspect(strategy, sent, request.protocol), check: 'introspection' }
      }
    }
  }

  fastify.decorateRequest('ordersTrace', null as unknown as Trace)
  fastify.addHook('onRequest', async (request) => {
    request.ordersTrace = newTrace()
  })
  fastify.addHook('onSend', async (request, reply) => {
    reply.headers(HEADERS)
    reply.header('server-timing', serverTiming(request.ordersTrace))
  })
  fastify.setErrorHandler((error: FastifyError | OrdersError, request, reply: FastifyReply) => {
    const body = toErrorBody(error)
    if (body.statusCode >= 500 && body.code === 'INTERNAL_ERROR') request.log.error({ err: error }, 'unexpected error')
    return reply.code(body.statusCode).type('application/json').send(body)
  })
  fastify.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody(404, 'NOT_FOUND', 'No such route')))

  fastify.get('/orders/health', async (_request, reply) => {
    // A PING, not the client's status: a paused Redis keeps its connection open and "ready".
    const redisUp = await redis.ping().then(
      () => true,
      () => false,
    )
    const health: OrdersHealth = {
      status: redisUp ? 'ok' : 'degraded',
      sessionCheck: config.sessionCheck,
      jwks: jwks.cached ? 'cached' : 'none',
      redis: redisUp ? 'up' : 'down',
    }
    return reply.code(health.status === 'ok' ? 200 : 503).send(health)
  })

  fastify.get<{ Params: { strategy: string } }>('/orders/:strategy', async (request) => {
    const { strategy } = request.params
    if (!isOrdersStrategy(strategy)) {
      throw new OrdersError(404, 'NOT_FOUND', `The orders service serves ${ORDERS_STRATEGIES.join(', ')} only`)
    }
    const { user, check } = await timeAuth(request.ordersTrace, () => authenticate(strategy, request))
    return { user, strategy, check, orders: ordersOf(user.username) } satisfies OrdersResponse
  })

  return fastify
}
