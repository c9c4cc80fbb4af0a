import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { API_PATH_THIEF, JWKS_PATH, isDemoOnly } from '../src/lib/views.ts'
import { createApiProxy } from './api-proxy.ts'
import { rawProblem, sendProblem } from './problem.ts'
import { pageHeaders } from './security-headers.ts'

export interface OriginOptions {
  /** where /api/* goes */
  apiUrl: string
  /** where /orders/* goes (the second service, apps/orders); without it, /orders/* is Next's 404 */
  ordersUrl?: string
  /** everything else: Next's request handler */
  next: (req: IncomingMessage, res: ServerResponse) => Promise<void>
  /** the demo profile: without it, the demo-only paths (src/lib/views.ts) are not there */
  demo: boolean
  /** the address browsers reach the lab at (PUBLIC_URL), if it is known: see ProxyOptions */
  publicUrl?: string | null
  /** to receive a whole request, headers and body; past it the client gets a 408 and the connection closes */
  requestTimeoutMs?: number
  /** to wait for the API's or the orders service's response headers; past it the client gets a 504 (UPSTREAM_TIMEOUT_MS) */
  upstreamTimeoutMs?: number
}

/** How often Node looks for requests past their timeout (its default, 30 s, would let a 10 s limit run to 40 s). */
const TIMEOUT_CHECK_MS = 250
/** The second service's paths, proxied to ORDERS_URL. */
const ORDERS_PREFIX = '/orders/'
/** A path no route of the app matches: Next answers it with the not-found page and a 404. */
const NO_ROUTE = '/_not-in-this-lab'

/** The path as Next will route it: dot segments resolved (WHATWG URL, as Next does), slashes collapsed; null when unparsable. */
function routedPath(url: string): string | null {
  try {
    return new URL(`http://origin${url}`).pathname.replace(/\/{2,}/g, '/')
  } catch {
    return null
  }
}

/**
 * The web lab's one server: /api/* to the API through a streaming reverse proxy, /orders/* to the
 * orders service through another, everything else to
 * Next, with the lab's security headers on every page, asset and error of its own.
 */
export function createOrigin({ apiUrl, ordersUrl, next, demo, publicUrl = null, requestTimeoutMs = 10_000, upstreamTimeoutMs }: OriginOptions): Server {
  const proxy = createApiProxy(apiUrl, { publicUrl, timeoutMs: upstreamTimeoutMs })
  // The same proxy (headers chosen, X-Forwarded-For from the socket, bodies capped): the browser's
  // cookies for this origin reach the second service too, as far as their Path lets them.
  const ordersProxy = ordersUrl === undefined ? null : createApiProxy(ordersUrl, { publicUrl, name: 'the orders service', timeoutMs: upstreamTimeoutMs })
  /** the response in progress on each connection, so a timeout never writes into one already started */
  const inFlight = new WeakMap<Socket, ServerResponse>()

  // The lab has no WebSocket (nor h2c): every request with an Upgrade header comes to the handler
  // below as any other, whatever listens for 'upgrade'. Next's request handler adds such a listener on
  // its first request, which leaves the sockets of upgrades it does not route open and unanswered.
  const server = createServer({ requestTimeout: requestTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_MS, shouldUpgradeCallback: () => false }, (req, res) => {
    inFlight.set(req.socket, res)
    const url = req.url ?? '/'
    // Node's parser lets through `*` (OPTIONS *) and absolute URLs (GET http://host/x), which Next would
    // answer with a 500 or a redirect to that host: only a path is a request to this origin.
    if (!url.startsWith('/')) return sendProblem(res, 400, 'BAD_REQUEST', 'The request target must be a path', { close: true })
    if (req.headers.upgrade !== undefined) return sendProblem(res, 501, 'UPGRADE_NOT_SUPPORTED', 'This lab speaks HTTP/1.1 only: no protocol upgrade', { close: true })
    if (demo && url.startsWith(API_PATH_THIEF.path) && routedPath(url) === API_PATH_THIEF.path) req.url = API_PATH_THIEF.route
    else if (url.startsWith('/api/') || (url.startsWith(JWKS_PATH) && routedPath(url) === JWKS_PATH)) return proxy(req, res)
    else if (ordersProxy && url.startsWith(ORDERS_PREFIX) && routedPath(url)?.startsWith(ORDERS_PREFIX)) return ordersProxy(req, res)
    // Decided here, before Next, so that in production no demo-only page or route runs at all.
    if (!demo) {
      const path = routedPath(url)
      if (path === null || isDemoOnly(path)) req.url = NO_ROUTE
    }
    const { headers, policy } = pageHeaders()
    for (const name in headers) res.setHeader(name, headers[name] as string)
    // Next puts the policy's nonce on its scripts, finding it where a proxy in front would put it.
    req.headers['content-security-policy'] = policy
    next(req, res).catch((error: unknown) => {
      console.error('web origin: Next failed to answer', error)
      if (!res.headersSent) sendProblem(res, 500, 'INTERNAL_ERROR', 'Internal server error')
      else res.destroy()
    })
  })

  // Requests Node's parser refuses or that do not arrive in time: answered in the lab's format.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    const response = inFlight.get(socket)
    const responding = response !== undefined && response.headersSent && !response.writableFinished
    if (error.code !== 'ECONNRESET' && socket.writable && !responding) {
      if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') socket.write(rawProblem(408, 'REQUEST_TIMEOUT', `The request did not arrive within ${requestTimeoutMs / 1000} s`))
      else if (error.code === 'HPE_HEADER_OVERFLOW') socket.write(rawProblem(431, 'HEADERS_TOO_LARGE', 'Request headers too large'))
      else socket.write(rawProblem(400, 'BAD_REQUEST', 'Malformed request'))
    }
    socket.destroy()
  })
  return server
}
