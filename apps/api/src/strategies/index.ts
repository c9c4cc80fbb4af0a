import jwt from './jwt/index.ts'
import jwtDenylist from './jwt-denylist/index.ts'
import sessionPg from './session-pg/index.ts'
import session from './session/index.ts'
import type { StrategyModule } from './types.ts'

/** The four strategies, in the contract's order. */
export const strategies: readonly StrategyModule[] = [session, sessionPg, jwt, jwtDenylist]
