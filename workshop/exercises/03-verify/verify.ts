import { createHmac, timingSafeEqual } from 'node:crypto'

/** base64url → bytes. */
export function base64urlToBuffer(segment: string): Buffer {
  return Buffer.from(segment, 'base64url')
}

/** base64url → parsed JSON object; throws when it is not one. */
export function parseSegment(segment: string): Record<string, unknown> {
  const value: unknown = JSON.parse(base64urlToBuffer(segment).toString('utf8'))
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('segment is not a JSON object')
  return value as Record<string, unknown>
}

/** The payload of a valid HS256 token signed with `secret`; throws an Error for anything else. */
export function verifyHs256(token: string, secret: string): Record<string, unknown> {
  // TODO 1: three segments, or throw.
  // TODO 2: the header's alg must be exactly 'HS256', checked before any crypto.
  // TODO 3: recompute HMAC-SHA256 over "header.payload" with createHmac.
  // TODO 4: compare with timingSafeEqual (mind the lengths), then return the parsed payload.
  throw new Error('TODO: verifyHs256 in verify.ts')
}
