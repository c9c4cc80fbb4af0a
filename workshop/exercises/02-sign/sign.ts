import { createHmac } from 'node:crypto'

/** Text (as UTF-8) or bytes → base64url: base64 with `-` and `_`, without `=` padding. */
export function base64url(input: string | Uint8Array): string {
  // TODO: encode as base64, then make it URL-safe and drop the padding.
  throw new Error('TODO: base64url in sign.ts')
}

/** A compact JWT: header {"alg":"HS256","typ":"JWT"}, the payload, HMAC-SHA256 with `secret`. */
export function signHs256(payload: Record<string, unknown>, secret: string): string {
  // TODO: build the signing input from the two JSON segments, sign it with createHmac, join the three parts.
  throw new Error('TODO: signHs256 in sign.ts')
}
