import { SESSION_COOKIE, type StrategyName } from '@lab/contracts'
import type { ApiProcess } from './api-process.ts'
import { PROBE_COOKIE } from './probes.ts'

export type Headers = Record<string, string>

const LOGIN_CONCURRENCY = 8

/** Logs `usernames` in through the real login route of `strategy` and returns each one's request headers. */
export async function loginAll(api: ApiProcess, strategy: StrategyName, usernames: readonly string[], password: string): Promise<Headers[]> {
  const headers: Headers[] = new Array(usernames.length)
  let next = 0
  const worker = async () => {
    while (next < usernames.length) {
      const i = next++
      headers[i] = await login(api, strategy, usernames[i] as string, password)
    }
  }
  await Promise.all(Array.from({ length: LOGIN_CONCURRENCY }, worker))
  return headers
}

async function login(api: ApiProcess, strategy: StrategyName, username: string, password: string): Promise<Headers> {
  const response = await fetch(`${api.baseUrl}/api/${strategy}/login`, {
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
  const name = SESSION_COOKIE[strategy]
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))
  if (!cookie) throw new Error(`login to ${strategy} set no ${name} cookie`)
  return { cookie: cookie.slice(0, cookie.indexOf(';')) }
}

/** Logs the session credentials out, so their sessions leave the shared Redis instead of waiting for their TTL. */
export async function logoutAll(api: ApiProcess, strategy: StrategyName, credentials: readonly Headers[]): Promise<void> {
  for (let i = 0; i < credentials.length; i += LOGIN_CONCURRENCY) {
    await Promise.all(
      credentials.slice(i, i + LOGIN_CONCURRENCY).map(async (headers) => {
        const response = await fetch(`${api.baseUrl}/api/${strategy}/logout`, { method: 'POST', headers })
        await response.arrayBuffer()
      }),
    )
  }
}

export const probeHeaders = (ids: readonly string[]): Headers[] => ids.map((id) => ({ cookie: `${PROBE_COOKIE}=${id}` }))
