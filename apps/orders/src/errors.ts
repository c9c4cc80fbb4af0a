import type { ErrorCode } from '@lab/contracts'

/** An error whose status, code and message are safe to show to the client as they are. */
export class OrdersError extends Error {
  readonly statusCode: number
  readonly code: ErrorCode

  constructor(statusCode: number, code: ErrorCode, message: string) {
    super(message)
    this.name = 'OrdersError'
    this.statusCode = statusCode
    this.code = code
  }
}

export const authMissing = (message = 'Authentication required') => new OrdersError(401, 'AUTH_MISSING', message)
export const authInvalid = (message = 'Invalid credential') => new OrdersError(401, 'AUTH_INVALID', message)
export const storeUnavailable = (store: 'Redis' | 'Postgres') => new OrdersError(503, 'STORE_UNAVAILABLE', `The ${store} store is unavailable`)
