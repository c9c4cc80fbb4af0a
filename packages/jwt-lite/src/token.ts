import { decodeCanonical } from './base64url.ts'
import { JwtLiteError } from './errors.ts'
import { isPlainObject, parseJson } from './json.ts'

export const DEFAULT_MAX_TOKEN_LENGTH = 8 * 1024

/** A compact JWS split into its parts; nothing in it is authenticated yet. */
export interface RawToken {
  header: Record<string, unknown>
  payloadBytes: Buffer
  signature: Buffer
  signatureSegment: string
  signingInput: string
}

export function readToken(token: unknown, maxLength: number): RawToken {
  if (typeof token !== 'string') throw new JwtLiteError('ERR_JWT_MALFORMED', 'token must be a string')
  // Written as "not (ok)" so that a NaN limit refuses instead of letting everything through.
  if (!(token.length <= maxLength)) {
    throw new JwtLiteError('ERR_JWT_TOO_LARGE', `token is longer than ${maxLength} characters`)
  }

  const segments = token.split('.')
  if (segments.length !== 3) {
    throw new JwtLiteError('ERR_JWT_MALFORMED', 'token must have exactly three dot-separated segments')
  }
  const [headerSegment, payloadSegment, signatureSegment] = segments as [string, string, string]
  const headerBytes = decodeCanonical(headerSegment)
  const payloadBytes = decodeCanonical(payloadSegment)
  const signature = decodeCanonical(signatureSegment)

  const header = parseJson(headerBytes)
  if (!isPlainObject(header)) throw new JwtLiteError('ERR_JWT_MALFORMED', 'token header must be a JSON object')

  return { header, payloadBytes, signature, signatureSegment, signingInput: `${headerSegment}.${payloadSegment}` }
}
