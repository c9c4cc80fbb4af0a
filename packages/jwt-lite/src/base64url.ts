import { JwtLiteError } from './errors.ts'

const ALPHABET = /^[A-Za-z0-9_-]+$/

export function encode(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64url')
}

// Node's decoder is lenient: it skips '=', '+', '/', whitespace and ignores leftover bits, so
// many strings decode to the same bytes. A token must have exactly one spelling, otherwise
// "same token?" checks (deny lists, caches, logs) can be dodged by re-spelling it.
export function decodeCanonical(segment: string): Buffer {
  if (!ALPHABET.test(segment) || segment.length % 4 === 1) {
    throw new JwtLiteError('ERR_JWT_MALFORMED', 'token segment is not base64url')
  }
  const bytes = Buffer.from(segment, 'base64url')
  if (bytes.toString('base64url') !== segment) {
    throw new JwtLiteError('ERR_JWT_MALFORMED', 'token segment is not canonical base64url')
  }
  return bytes
}
