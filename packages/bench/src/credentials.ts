import { ACCESS_TOKEN_COOKIE, SESSION_CACHE_COOKIE, SESSION_COOKIE, type StrategyName } from '@lab/contracts'
import { dpopSigner } from './dpop.ts'
import { PROBE_CACHE_COOKIE, PROBE_COOKIE, type ProbeCredentials } from './probes.ts'

export type Headers = Record<string, string>
/** What one client sends: the same headers every time, or (DPoP) headers with a fresh proof for each method and URL. */
export type Credential = Headers | ((method: string, url: string) => Headers)

export const headersOf = (credential: Credential, method: string, url: string): Headers =>
  typeof credential === 'function' ? credential(method, url) : credential

const LOGIN_CONCURRENCY = 8

/** The cookies a browser sends to `/api/:strategy/me` after logging in (the refresh token `rt` is path-limited away from it). */
const ME_COOKIES: Record<Exclude<StrategyName, 'jwt' | 'jwt-denylist' | 'jwt-dpop'>, readonly string[]> = {
  session: [SESSION_COOKIE.session],
  'session-pg': [SESSION_COOKIE['session-pg']],
  'session-cached': [SESSION_COOKIE['session-cached'], SESSION_CACHE_COOKIE],
  'jwt-cookie': [ACCESS_TOKEN_COOKIE],
}

/** Logs `usernames` in through the real login route of `strategy` and returns each one's request headers for `/me`. */
export async function loginAll(baseUrl: string, strategy: StrategyName, usernames: readonly string[], password: string): Promise<Credential[]> {
  const headers: Credential[] = new Array(usernames.length)
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

async function login(baseUrl: string, strategy: StrategyName, username: string, password: string): Promise<Credential> {
  const url = `${baseUrl}/api/${strategy}/login`
  // jwt-dpop: each client holds its own key, proves it at login, and signs a fresh proof for every request.
  const proof = strategy === 'jwt-dpop' ? dpopSigner() : null
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(proof && { dpop: proof('POST', url) }) },
    body: JSON.stringify({ username, password }),
  })
  if (response.status !== 200) throw new Error(`login of ${username} to ${strategy} answered ${response.status}`)
  const body = (await response.json()) as { accessToken?: string }
  if (strategy === 'jwt' || strategy === 'jwt-denylist' || strategy === 'jwt-dpop') {
    const token = body.accessToken
    if (!token) throw new Error(`login to ${strategy} returned no access token`)
    if (!proof) return { authorization: `Bearer ${token}` }
    return (method, target) => ({ authorization: `DPoP ${token}`, dpop: proof(method, target, token) })
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

/** The cookie probes' headers: a signed session id alone (store probes), or with its signed copy (session-cache probe). */
export const probeHeaders = ({ cookies }: ProbeCredentials): Headers[] => cookies.map((signed) => ({ cookie: `${PROBE_COOKIE}=${signed}` }))
export const probeCacheHeaders = ({ cookies, copies }: ProbeCredentials): Headers[] =>
  cookies.map((signed, i) => ({ cookie: `${PROBE_COOKIE}=${signed}; ${PROBE_CACHE_COOKIE}=${copies[i]}` }))
