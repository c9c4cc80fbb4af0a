export interface RoundTrips {
  redis: number
  pg: number
}

export interface SessionRoundTrips {
  login: RoundTrips
  me: RoundTrips
  logout: RoundTrips
}

/** The number of `redis` and `pg` entries in a Server-Timing header. */
export function countRoundTrips(header: string | null): RoundTrips {
  // TODO: split into entries on commas outside quotes; count entries named redis and pg.
  throw new Error('TODO: countRoundTrips in round-trips.ts')
}

/** Logs alice in with `strategy`, calls /me, logs out: the round trips of each of the three requests. */
export async function measureSession(apiUrl: string, strategy: string): Promise<SessionRoundTrips> {
  const base = `${apiUrl}/api/${strategy}`
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice', password: 'alice-password' }),
  })
  if (!login.ok) throw new Error(`login answered ${login.status}`)

  // TODO: the credential for the next requests: the cookies of login's Set-Cookie, and the
  // accessToken of its JSON body when there is one.
  const credential: Record<string, string> = {}

  const me = await fetch(`${base}/me`, { headers: credential })
  const logout = await fetch(`${base}/logout`, { method: 'POST', headers: credential })

  return {
    login: countRoundTrips(login.headers.get('server-timing')),
    me: countRoundTrips(me.headers.get('server-timing')),
    logout: countRoundTrips(logout.headers.get('server-timing')),
  }
}
