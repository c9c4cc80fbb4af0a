/**
 * The stable codes a {@link JwtLiteError} carries. Branch on these, never on messages.
 */
export type JwtLiteErrorCode =
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_TOO_LARGE'
  | 'ERR_JWT_ALG_NOT_ALLOWED'
  | 'ERR_JWT_CRIT_UNSUPPORTED'
  | 'ERR_JWT_SIGNATURE_INVALID'
  | 'ERR_JWT_CLAIM_INVALID'
  | 'ERR_JWT_CLAIM_MISMATCH'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_BEFORE'
  | 'ERR_JWT_SECRET_WEAK'
  | 'ERR_JWT_SECRET_INVALID'

/**
 * Every refusal jwt-lite makes. Messages name the rule that failed and never echo token
 * contents, so they are safe to log.
 *
 * @example
 * ```ts
 * try {
 *   verify(token, secret)
 * } catch (error) {
 *   if (error instanceof JwtLiteError && error.code === 'ERR_JWT_EXPIRED') refresh()
 *   else throw error
 * }
 * ```
 */
export class JwtLiteError extends Error {
  readonly code: JwtLiteErrorCode
  /** The claim that failed (`exp`, `aud`, ...), for claim errors only. */
  readonly claim: string | undefined

  constructor(code: JwtLiteErrorCode, message: string, claim?: string) {
    super(message)
    this.name = 'JwtLiteError'
    this.code = code
    this.claim = claim
  }
}
