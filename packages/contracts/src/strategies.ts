/** The four ways the lab authenticates the same resources, in the order the lab shows them. */
export const STRATEGIES = ['session', 'session-pg', 'jwt', 'jwt-denylist'] as const

export type StrategyName = (typeof STRATEGIES)[number]

/** Strategies whose login returns an access token and sets a refresh cookie. */
export const TOKEN_STRATEGIES = ['jwt', 'jwt-denylist'] as const satisfies readonly StrategyName[]

export function isStrategyName(value: string): value is StrategyName {
  return (STRATEGIES as readonly string[]).includes(value)
}

/** Cookie that carries each cookie-based strategy's session id. */
export const SESSION_COOKIE = { session: 'sid', 'session-pg': 'sid_pg', 'session-memory': 'sid_mem' } as const

/** Cookie that carries the opaque refresh token of the token strategies. */
export const REFRESH_COOKIE = 'rt'
