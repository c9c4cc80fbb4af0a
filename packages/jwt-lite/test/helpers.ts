import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { JwtLiteError, type JwtLiteErrorCode } from '../src/index.ts'

export const SECRET = 'a-lab-secret-that-is-32-bytes-ok'
export const NOW_MS = Date.UTC(2026, 0, 1, 12, 0, 0)
export const NOW = NOW_MS / 1000
export const frozen = (ms = NOW_MS) => (): number => ms

const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url')

/**
 * Builds a token from exact header and payload JSON text and HMAC-signs it with node:crypto
 * directly, independent of jwt-lite, so each attack changes exactly one thing.
 */
export function forge(
  header: string | object,
  payload: string | Buffer | object,
  secret: string | Buffer = SECRET,
): string {
  const bytes = (part: string | Buffer | object) =>
    typeof part === 'string' || Buffer.isBuffer(part) ? part : JSON.stringify(part)
  const signingInput = `${b64(bytes(header))}.${b64(bytes(payload))}`
  return `${signingInput}.${b64(createHmac('sha256', secret).update(signingInput).digest())}`
}

export const HS256 = { alg: 'HS256', typ: 'JWT' }
export const claims = (extra: object = {}) => ({ sub: 'ada', iat: NOW - 10, exp: NOW + 600, ...extra })

/** Asserts `fn` throws a JwtLiteError with `code`, whose message contains no part of `token`. */
export function refuses(fn: () => unknown, code: JwtLiteErrorCode, token?: string): JwtLiteError {
  let caught: unknown
  try {
    fn()
  } catch (error) {
    caught = error
  }
  assert.ok(caught instanceof JwtLiteError, `expected JwtLiteError ${code}, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  for (const segment of token?.split('.') ?? []) {
    if (segment.length > 3) assert.ok(!caught.message.includes(segment), 'message echoes the token')
  }
  return caught
}
