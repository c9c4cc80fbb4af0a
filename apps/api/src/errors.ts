import type { AuthRejectionReason, ErrorCode } from '@lab/contracts'

/** An error whose status, code and message are safe to show to the client as they are. */
export class AppError extends Error {
  readonly statusCode: number
  readonly code: ErrorCode
  /** why a credential was refused, told to the client in the demo profile only */
  readonly reason: AuthRejectionReason | undefined

  constructor(statusCode: number, code: ErrorCode, message: string, reason?: AuthRejectionReason) {
    super(message)
    this.name = 'AppError'
    this.statusCode = statusCode
    this.code = code
    this.reason = reason
  }
}

/** A 429 that says, in Retry-After, when to try again. */
export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number

  constructor(ms: number) {
    const seconds = Math.max(1, Math.ceil(ms / 1000))
    super(429, 'RATE_LIMITED', `Too many attempts; retry in ${seconds} s`)
    this.retryAfterSeconds = seconds
  }
}

/** Raised by the Redis and Postgres clients when the store cannot be reached in time. */
export class StoreUnavailableError extends AppError {
  readonly store: 'redis' | 'postgres'

  constructor(store: 'redis' | 'postgres', options?: { cause?: unknown }) {
    super(503, 'STORE_UNAVAILABLE', `The ${store === 'redis' ? 'Redis' : 'Postgres'} store is unavailable`)
    this.store = store
    if (options?.cause !== undefined) this.cause = options.cause
  }
}

export const authMissing = () => new AppError(401, 'AUTH_MISSING', 'Authentication required')
export const authInvalid = (message = 'Invalid credential', reason?: AuthRejectionReason) => new AppError(401, 'AUTH_INVALID', message, reason)
export const authExpired = () => new AppError(401, 'AUTH_EXPIRED', 'Credential expired', 'EXPIRED')
export const authRevoked = (message = 'Credential revoked') => new AppError(401, 'AUTH_REVOKED', message, 'REVOKED')
