import { ACCESS_TOKEN_COOKIE, SESSION_CACHE_COOKIE, SESSION_COOKIE, type StrategyName } from '@lab/contracts'
import { PROBE_CACHE_COOKIE, PROBE_COOKIE, type ProbeCredentials } from './probes.ts'

export type Headers = Record<string, string>

const LOGIN_CONCURRENCY = 8

/** The cookies a browser sends to `/api/:strategy/me` after logging in (the refresh token `rt` is path-limited away from it). */
const ME_COOKIES: Record<Exclude<StrategyName, 'jwt' | 'jwt-denylist'>, readonly string[]> = {
  session: [SESSION_COOKIE.session],
  'session-pg': [SESSION_COOKIE['session-pg']],
  'session-cached': [SESSION_COOKIE['session-cached'], SESSION_CACHE_COOKIE],
  'jwt-cookie': [ACCESS_TOKEN_COOKIE],
}

/** Logs `usernames` in through the real login route of `strategy` and returns each one's request headers for `/me`. */
export async function loginAll(baseUrl: string, strategy: StrategyName, usernames: readonly string[], password: string): Promise<Headers[]> {
  const headers: Headers[] = new Array(usernames.length)
  let next = 0
  const worker = async () => {
    while (next < usernames.length) {
      const i = next++
      headers[i] = await login(baseUrl, strategy, usernames[i] as string, password)
    }
  }
  await Promise.all(Array.from({ length: LOGIN_CONCURRENCY }, worker))
  return headers
}

async function login(baseUrl: string, strategy: StrategyName, username: string, password: string): Promise<Headers> {
  const response = await fetch(`${baseUrl}/api/${strategy}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (response.status !== 200) throw new Error(`login of ${username} to ${strategy} answered ${response.status}`)
  const body = (await response.json()) as { accessToken?: string }
  if (strategy === 'jwt' || strategy === 'jwt-denylist') {
    if (!body.accessToken) throw new Error(`login to ${strategy} returned no access token`)
    return { authorization: `Bearer ${body.accessToken}` }
  }
  const set = response.headers.getSetCookie().map((c) => c.slice(0, c.indexOf(';')))
  const pairs = ME_COOKIES[strategy].map((name) => {
    const pair = set.find((c) => c.startsWith(`${name}=`))
    if (!pair) throw new Error(`login to ${strategy} set no ${name} cookie`)
    return pair
  })
  return { cookie: pairs.join('; ') }
}

/** Logs the credentials out, so their sessions leave the shared Redis instead of waiting for their TTL. */
export async function logoutAll(baseUrl: string, strategy: StrategyName, credentials: readonly Headers[]): Promise<void> {
  for (let i = 0; i < credentials.length; i += LOGIN_CONCURRENCY) {
    await Promise.all(
      credentials.slice(i, i + LOGIN_CONCURRENCY).map(async (headers) => {
        const response = await fetch(`${baseUrl}/api/${strategy}/logout`, { method: 'POST', headers })
        await response.arrayBuffer()
      }),
    )
  }
}

/** The cookie probes' headers: an opaque id alone (store probes), or with its signed copy (session-cache probe). */
export const probeHeaders = ({ ids }: ProbeCredentials): Headers[] => ids.map((id) => ({ cookie: `${PROBE_COOKIE}=${id}` }))
export const probeCacheHeaders = ({ ids, copies }: ProbeCredentials): Headers[] =>
  ids.map((id, i) => ({ cookie: `${PROBE_COOKIE}=${id}; ${PROBE_CACHE_COOKIE}=${copies[i]}` }))
