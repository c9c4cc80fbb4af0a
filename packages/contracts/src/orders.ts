import { Type, type Static } from 'typebox'
import { UserSchema } from './schemas.ts'
import type { StrategyName } from './strategies.ts'

/**
 * The second service (apps/orders, `GET /orders/:strategy`) serves these strategies, each checked its
 * own way; any other strategy, including ones added to the API later, is a 404 there.
 */
export const ORDERS_STRATEGIES = ['session', 'session-pg', 'session-cached', 'jwt', 'jwt-denylist', 'jwt-cookie'] as const satisfies readonly StrategyName[]
export type OrdersStrategy = (typeof ORDERS_STRATEGIES)[number]

export function isOrdersStrategy(value: string): value is OrdersStrategy {
  return (ORDERS_STRATEGIES as readonly string[]).includes(value)
}

/**
 * How the second service authenticated the request:
 * - `jwks`: verified locally with the public key from the API's `/.well-known/jwks.json` (no call to the API);
 * - `jwks+denylist`: the same, plus one Redis lookup of the shared denylist;
 * - `introspection`: a call to the API's `GET /api/:strategy/me` with the session cookie;
 * - `store`: the session read from the shared store itself (needs SESSION_SECRET and the store's credentials).
 */
export const OrdersCheckSchema = Type.Enum(['jwks', 'jwks+denylist', 'introspection', 'store'])
export type OrdersCheck = Static<typeof OrdersCheckSchema>

/** How sessions are checked by the orders service (`ORDERS_SESSION_CHECK`). */
export const ORDERS_SESSION_CHECKS = ['introspect', 'store'] as const
export type OrdersSessionCheck = (typeof ORDERS_SESSION_CHECKS)[number]

export const OrderSchema = Type.Object({
  id: Type.String(),
  item: Type.String(),
  quantity: Type.Integer({ minimum: 1 }),
  totalCents: Type.Integer({ minimum: 0 }),
  placedAt: Type.String({ format: 'date-time' }),
})
export type Order = Static<typeof OrderSchema>

export const OrdersResponseSchema = Type.Object({
  user: UserSchema,
  strategy: Type.Enum(ORDERS_STRATEGIES),
  check: OrdersCheckSchema,
  orders: Type.Array(OrderSchema),
})
export type OrdersResponse = Static<typeof OrdersResponseSchema>

export const OrdersHealthSchema = Type.Object({
  status: Type.Enum(['ok', 'degraded']),
  sessionCheck: Type.Enum(ORDERS_SESSION_CHECKS),
  /** the API's public keys, as last fetched: `cached` once fetched, `none` before */
  jwks: Type.Enum(['cached', 'none']),
  redis: Type.Enum(['up', 'down']),
})
export type OrdersHealth = Static<typeof OrdersHealthSchema>

/** The orders service's port by default (`ORDERS_PORT`). */
export const ORDERS_DEFAULT_PORT = 4001
