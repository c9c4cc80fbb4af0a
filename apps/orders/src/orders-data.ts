import type { Order } from '@lab/contracts'

/**
 * The orders each demo user has: fixed and in memory, since the lesson is how the request is
 * authenticated, not what it returns. Any other account has none.
 */
const ORDERS: Record<string, Order[]> = {
  alice: [
    { id: 'ord-1001', item: 'Mechanical keyboard', quantity: 1, totalCents: 8900, placedAt: '2026-11-02T09:14:00.000Z' },
    { id: 'ord-1002', item: 'USB-C cable', quantity: 3, totalCents: 2397, placedAt: '2026-11-19T16:40:00.000Z' },
  ],
  admin: [{ id: 'ord-2001', item: 'Rack shelf', quantity: 2, totalCents: 15800, placedAt: '2026-10-28T11:05:00.000Z' }],
}

export const ordersOf = (username: string): Order[] => ORDERS[username] ?? []
