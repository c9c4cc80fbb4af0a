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
  const segments = token.split('.')
  if (segments.length !== 3) throw new Error('a JWT has three segments')
  const [header, payload, signature] = segments as [string, string, string]

  // The header is written by the sender: compare it with our one algorithm, never let it choose.
  if (parseSegment(header).alg !== 'HS256') throw new Error('algorithm not allowed')

  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest()
  const received = base64urlToBuffer(signature)
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) throw new Error('signature does not match')
  return parseSegment(payload)
}
