import { STATUS_CODES, type ServerResponse } from 'node:http'
import type { ErrorBody, ErrorCode } from '@lab/contracts'
import { ERROR_HEADERS } from './security-headers.ts'

function body(statusCode: number, code: ErrorCode, message: string): string {
  return JSON.stringify({ statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message } satisfies ErrorBody)
}

/** The origin's own errors, in the lab's format. `close` ends the connection once it is sent. */
export function sendProblem(res: ServerResponse, statusCode: number, code: ErrorCode, message: string, { close = false } = {}): void {
  const text = body(statusCode, code, message)
  res.writeHead(statusCode, {
    ...ERROR_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...(close ? { connection: 'close' } : {}),
  })
  res.end(text)
}

/** The same, written straight to a connection that has no response object (a request Node's parser refused or timed out). */
export function rawProblem(statusCode: number, code: ErrorCode, message: string): string {
  const text = body(statusCode, code, message)
  const headers = { ...ERROR_HEADERS, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', connection: 'close' }
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${String(value)}`)
  return `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? 'Error'}\r\n${lines.join('\r\n')}\r\n\r\n${text}`
}
