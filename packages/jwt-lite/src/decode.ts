import { DEFAULT_MAX_TOKEN_LENGTH, readToken } from './token.ts'
import { parseJson } from './json.ts'

/** A token taken apart without any check of its signature or claims. */
export interface UnverifiedToken {
  header: Record<string, unknown>
  payload: unknown
  /** The signature segment as it appears in the token (base64url). */
  signature: string
}

/**
 * Takes a token apart WITHOUT verifying it, for inspectors and workshops. Anyone can forge
 * what this returns; never make a decision on it. Use {@link verify} for that.
 *
 * @throws {@link JwtLiteError} `ERR_JWT_TOO_LARGE` or `ERR_JWT_MALFORMED` when the token cannot
 * be taken apart.
 *
 * @example
 * ```ts
 * const { header, payload } = decodeUnverified(token)
 * console.log(header.alg, payload)
 * ```
 */
export function decodeUnverified(token: string): UnverifiedToken {
  const raw = readToken(token, DEFAULT_MAX_TOKEN_LENGTH)
  return { header: raw.header, payload: parseJson(raw.payloadBytes), signature: raw.signatureSegment }
}
