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
  const counts = { redis: 0, pg: 0 }
  // An entry is a run of characters that are not commas, or quoted strings (which may hold commas).
  for (const entry of header?.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const name = entry.split(';')[0]?.trim()
    if (name === 'redis' || name === 'pg') counts[name]++
  }
  return counts
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

  // Sessions travel in a cookie, JWTs in the Authorization header.
  const credential: Record<string, string> = {}
  const cookies = login.headers.getSetCookie().map((cookie) => cookie.split(';')[0])
  if (cookies.length > 0) credential.cookie = cookies.join('; ')
  const { accessToken } = (await login.json()) as { accessToken?: string }
  if (accessToken) credential.authorization = `Bearer ${accessToken}`

  const me = await fetch(`${base}/me`, { headers: credential })
  const logout = await fetch(`${base}/logout`, { method: 'POST', headers: credential })

  return {
    login: countRoundTrips(login.headers.get('server-timing')),
    me: countRoundTrips(me.headers.get('server-timing')),
    logout: countRoundTrips(logout.headers.get('server-timing')),
  }
}
