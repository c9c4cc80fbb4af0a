import jwtCookie from './jwt-cookie/index.ts'
import jwtDenylist from './jwt-denylist/index.ts'
import jwtDpop from './jwt-dpop/index.ts'
import jwt from './jwt/index.ts'
import sessionCached from './session-cached/index.ts'
import sessionPg from './session-pg/index.ts'
import session from './session/index.ts'
import type { StrategyModule } from './types.ts'

/** Every strategy, in the contract's order. */
export const strategies: readonly StrategyModule[] = [session, sessionPg, sessionCached, jwt, jwtDenylist, jwtCookie, jwtDpop]
