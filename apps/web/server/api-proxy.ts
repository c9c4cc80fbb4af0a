import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { Transform } from 'node:stream'
import { sendProblem } from './problem.ts'

/** The API's own body limit (`bodyLimit` in apps/api/src/app.ts): a larger body is refused here, before the API sees any of it. */
export const BODY_LIMIT = 16 * 1024

/**
 * Request headers the API needs, as the browser sent them. Nothing else passes: not host or
 * connection, and not a client's X-Forwarded-*, Forwarded or X-Real-IP, which the API would believe
 * since it trusts this proxy. Origin and Sec-Fetch-Site go through so the API's cross-site check
 * sees what the browser said; x-lab-replica pins a request to one API replica (the replicas view);
 * DPoP carries jwt-dpop's proof, signed for this origin's URL, which the API rebuilds from the
 * X-Forwarded-Host and -Proto set below.
 */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'authorization',
  'content-length',
  'content-type',
  'cookie',
  'dpop',
  'last-event-id',
  'origin',
  'sec-fetch-site',
  'user-agent',
  'x-lab-replica',
] as const
/**
 * How long the proxy waits for an upstream's response headers once the whole request has gone out.
 * A working API answers everything within about a second, whatever fails behind it: a dead store is
 * a 503 STORE_UNAVAILABLE after its 1 s timeouts (Redis commands; a Postgres query from when it is asked,
 * the wait for a connection included; 2 s for the embedded Postgres, asked at most twice in a row), an
 * argon2 login takes under 1 s on a loaded 2-core machine, and the orders service gives its own
 * calls to the API and Redis 1 s (2 with the embedded Postgres) and 0.8 s. Five times that spares a slow laptop, and stays half the
 * 10 s the API (and this origin) give a request to arrive: an upstream that says nothing for 5 s is
 * frozen, not busy. Only the wait for the headers is bounded: a stream (/api/records) lasts.
 */
export const UPSTREAM_TIMEOUT_MS = 5000

/** The API connection's own business, not the browser's. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade'])

export interface ProxyOptions {
  /**
   * The address browsers reach the lab at (PUBLIC_URL), an https one when a TLS terminator stands in
   * front: the API is told its scheme and host, whatever the client sent. null: the lab answers at any
   * address (a laptop, a classroom's LAN), and the API is told the Host the client sent, over http.
   */
  publicUrl?: string | null
  /** the upstream as its 502 and 504 name it */
  name?: string
  /** the wait for the upstream's response headers (UPSTREAM_TIMEOUT_MS) */
  timeoutMs?: number
}

/**
 * A reverse proxy to the API (or to the orders service, `name`d in its 502 and 504) on Node's own HTTP client, over keep-alive connections: bodies stream
 * both ways (the Server-Sent Events of /api/records unbuffered), a request body is cut at the API's
 * limit, the API request is aborted as soon as the browser goes away, and an upstream that does not
 * answer within `timeoutMs` is a 504.
 */
export function createApiProxy(
  apiUrl: string,
  { publicUrl = null, name = 'the API', timeoutMs = UPSTREAM_TIMEOUT_MS }: ProxyOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const api = new URL(apiUrl)
  const secure = api.protocol === 'https:'
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true })
  const send = secure ? httpsRequest : httpRequest
  const pinned = publicUrl === null ? null : new URL(publicUrl)
  const publicScheme = pinned?.protocol === 'https:' ? 'https' : 'http'

  return function proxy(req, res) {
    if (Number(req.headers['content-length']) > BODY_LIMIT) return tooLarge(res)
    const client = req.socket.remoteAddress
    // The connection is already gone (a header cannot be undefined: sending one would throw).
    if (client === undefined) return void res.destroy()
    const headers: Record<string, string | string[] | undefined> = {}
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name]
      if (value !== undefined) headers[name] = value
    }
    // The client is whoever this connection comes from: the API keys its per-client limits on it.
    headers['x-forwarded-for'] = client
    // The API judges Origin, and rebuilds jwt-dpop's htu, against the host the browser used: the public
    // one when it is known, else the client's own Host (which a client may set to any name it likes).
    const host = pinned?.host ?? req.headers.host
    if (host) headers['x-forwarded-host'] = host
    // The scheme the browser used: https behind a TLS terminator (PUBLIC_URL), when the API makes its cookies Secure and prefixed.
    headers['x-forwarded-proto'] = publicScheme

    // Node's parser already refused what its client would refuse to send (control or non-ASCII bytes in the path).
    const upstream = send({ protocol: api.protocol, hostname: api.hostname, port: api.port, method: req.method, path: req.url, headers, agent })
    let refused = false
    // Armed once the whole request is out (a body takes the client's time, bounded by the origin's request timeout).
    let silence: NodeJS.Timeout | undefined
    upstream.once('finish', () => {
      silence = setTimeout(() => {
        sendProblem(res, 504, 'API_TIMEOUT', `The web lab got no answer from ${name} within ${timeoutMs / 1000} s`)
        upstream.destroy()
      }, timeoutMs)
    })
    // The browser went away (or the response was cut): the API stops working for nobody.
    res.once('close', () => {
      clearTimeout(silence)
      if (!res.writableFinished) upstream.destroy()
    })
    upstream.once('response', (response) => {
      clearTimeout(silence)
      const passed: OutgoingHttpHeaders = {}
      for (const name in response.headers) if (!HOP_BY_HOP.has(name)) passed[name] = response.headers[name]
      res.writeHead(response.statusCode ?? 502, passed)
      // Each chunk is written as it arrives. (pipeline() would do as below at the price of an
      // AbortController and a DOMException per request, a tenth of the proxy's CPU.)
      response.pipe(res)
      // The API's side cut short: so is the browser's, never passed off as complete.
      response.once('close', () => {
        if (!response.complete) res.destroy()
      })
    })
    upstream.on('error', () => {
      if (refused || res.destroyed || res.writableEnded) return
      if (res.headersSent) res.destroy()
      else sendProblem(res, 502, 'API_UNREACHABLE', `The web lab cannot reach ${name}`)
    })

    // A request has a body only if it says so (RFC 9112 §6.3); without one, the request goes out at once.
    if (req.headers['transfer-encoding'] === undefined && !(Number(req.headers['content-length']) > 0)) {
      upstream.end()
      return
    }
    let received = 0
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length
        if (received > BODY_LIMIT) callback(new RangeError('body over the limit'))
        else callback(null, chunk)
      },
    })
    limit.once('error', () => {
      refused = true
      req.unpipe(limit)
      upstream.destroy()
      if (!res.headersSent) tooLarge(res)
      else res.destroy()
    })
    req.pipe(limit).pipe(upstream)
  }
}

function tooLarge(res: ServerResponse) {
  sendProblem(res, 413, 'PAYLOAD_TOO_LARGE', `Request body larger than ${BODY_LIMIT} bytes`, { close: true })
}
