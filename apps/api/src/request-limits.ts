import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'

/** A whole request (headers and body) must arrive within this; a body trickled byte by byte is cut off. */
const REQUEST_TIMEOUT_MS = 10_000

/**
 * What Node's HTTP parser refuses before Fastify sees a request (oversized headers, a malformed
 * request line, a request too slow to arrive) gets the error format and the security headers too,
 * then the connection closes.
 */
function clientErrorHandler(headers: Record<string, string>) {
  const headerLines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return
    const [statusCode, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? ([431, 'HEADERS_TOO_LARGE', 'Request headers too large'] as const)
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? ([408, 'REQUEST_TIMEOUT', 'The request took too long to arrive'] as const)
          : ([400, 'BAD_REQUEST', 'Malformed request'] as const)
    const body = JSON.stringify({ statusCode, code, error: STATUS_CODES[statusCode], message })
    socket.end(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\n${headerLines}content-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    )
  }
}

/**
 * The request limits of the API's server, as Fastify options: a 16 KiB body, a whole request within
 * 10 s (408 REQUEST_TIMEOUT), oversized headers a 431, each in the error format with `headers` (the
 * security headers every response carries). Shared as `@lab/api/request-limits`, so the orders
 * service holds a slow or oversized request exactly as the API does.
 */
export function requestLimits(headers: Record<string, string>) {
  return {
    bodyLimit: 16 * 1024,
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Node checks these on an interval (30 s by default), so a trickled request is cut within a second of its limit.
    http: { headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 },
    clientErrorHandler: clientErrorHandler(headers),
  }
}
