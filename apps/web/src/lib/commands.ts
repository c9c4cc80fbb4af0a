// What each store command in a Server-Timing entry is for, as the API issues it (its Redis and
// Postgres clients name every round trip: see apps/api/src/plugins/app/round-trips.ts).

/** What a request does, by its route: a login, refresh and logout are rare; the rest is what a logged-in user pays on every request. */
export type RequestKind = 'login' | 'refresh' | 'logout' | 'authenticated' | 'other'

/** The kind of an `/api/:strategy/…` request, from its path. */
export function requestKind(path: string): RequestKind {
  const route = path.split('?')[0] ?? ''
  if (!/^\/api\/[^/]+\/./.test(route)) return 'other'
  if (route.endsWith('/login')) return 'login'
  if (route.endsWith('/refresh')) return 'refresh'
  if (route.endsWith('/logout') || route.endsWith('/logout-all')) return 'logout'
  return 'authenticated'
}

const RATE_LIMIT_COUNT = 'rate limiter: counts this request against the client’s limit of login, refresh and password requests (one Lua script, rate-limiter-flexible)'
const RATE_LIMIT_READ = 'rate limiter: reads a counter and its time left in one transaction (the client’s failures, the account’s or this browser’s wait)'

const REDIS: Record<string, string> = {
  EVALSHA: RATE_LIMIT_COUNT,
  EVAL: RATE_LIMIT_COUNT,
  'MULTI GET PTTL EXEC': RATE_LIMIT_READ,
  GET: 'session lookup: reads the session behind the cookie’s id',
  SADD: 'adds the session to the user’s set of logins (for “log out everywhere”)',
  SREM: 'removes the session from the user’s set of logins',
  EXPIRE: 'keeps the user’s set of logins as long as their newest session',
  SMEMBERS: 'reads the user’s set of logins',
  UNLINK: 'deletes keys (every session of a user)',
}

const POSTGRES: Array<[prefix: string, text: string]> = [
  ['SELECT users', 'reads the user (by name at login: with the password hash)'],
  ['UPDATE users password', 'stores the new password hash'],
  ['UPDATE users rehash', 'upgrades the password hash to the current argon2 parameters'],
  ['UPSERT sessions', 'writes the session row'],
  ['SELECT sessions of user', 'reads the user’s logins'],
  ['SELECT sessions', 'session lookup: reads the session row behind the cookie’s id'],
  ['UPDATE sessions', 'records when the session was last seen'],
  ['DELETE sessions of user', 'ends every session of the user'],
  ['DELETE sessions all', 'ends every session of everyone'],
  ['DELETE sessions', 'deletes the session row: revoked at once'],
  ['INSERT refresh_tokens', 'stores the new refresh token’s hash, opening a token family (this login)'],
  ['ROTATE refresh_tokens', 'marks the presented refresh token used and stores its successor, in one statement'],
  ['REUSE refresh_tokens', 'a used refresh token came back: within the grace its successor again, otherwise the whole family is revoked'],
  ['REVOKE refresh_tokens of user', 'revokes every refresh family of the user'],
  ['REVOKE refresh_tokens all', 'revokes every refresh family of everyone'],
  ['REVOKE refresh_tokens', 'revokes the refresh family: no more refreshes (the access token lives on until its exp)'],
  ['SELECT refresh_tokens login time', 'when this login last authenticated (ending other logins asks for it)'],
  ['SELECT refresh_tokens of user', 'reads the user’s logins (their refresh families)'],
]

/** What a store command did in the request to `path`, in a sentence; a command the lab does not know is named as such. */
export function explainCommand(store: 'redis' | 'pg', command: string, path: string): string {
  if (store === 'pg') return POSTGRES.find(([prefix]) => command.startsWith(prefix))?.[1] ?? `a Postgres query (${command})`
  // Some commands mean different things on different routes.
  const kind = requestKind(path)
  const listing = (path.split('?')[0] ?? '').endsWith('/sessions')
  if (command === 'DEL') return kind === 'login' ? 'rate limiter: a right password, so the account’s failures start afresh' : 'deletes the session: revoked at once'
  if (command === 'SET') {
    if (kind === 'logout') return 'denylist: marks the token’s id (or its refresh family) revoked until the access token’s exp'
    return kind === 'login' ? 'writes the new session (its id → the user, with an expiry)' : 'updates the session (when it was last seen), keeping its expiry'
  }
  if (command === 'MGET') return listing ? 'reads the user’s sessions, all in one round trip' : 'denylist lookup: the token’s id, its refresh family and “everyone logged out”, in one round trip'
  return REDIS[command] ?? `a Redis command (${command})`
}
