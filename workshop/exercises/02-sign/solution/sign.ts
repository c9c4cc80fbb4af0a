import { createHmac } from 'node:crypto'

/** Text (as UTF-8) or bytes → base64url: base64 with `-` and `_`, without `=` padding. */
export function base64url(input: string | Uint8Array): string {
  return Buffer.from(input).toString('base64').replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** A compact JWT: header {"alg":"HS256","typ":"JWT"}, the payload, HMAC-SHA256 with `secret`. */
export function signHs256(payload: Record<string, unknown>, secret: string): string {
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`
  const signature = createHmac('sha256', secret).update(signingInput).digest()
  return `${signingInput}.${base64url(signature)}`
}
