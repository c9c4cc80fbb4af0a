import { isStrategyName, type LoginResponse } from '@lab/contracts'
import type { LoginElsewhere } from '@/lib/api'
import { createDpopKey, signDpopProof } from '@/lib/dpop'
import { env } from '@/lib/env'
import { isDpopStrategy } from '@/lib/strategies'
import { passedOn, pocketLogin, problem } from '@/lib/thief'

export const dynamic = 'force-dynamic'

/** A device's name as the API will list it (its User-Agent): printable, short. */
const DEVICE = /^[\w .,;:()/+-]{1,64}$/

const badRequest = (message: string) => problem(400, 'BAD_REQUEST', 'Bad Request', message)

/**
 * A login made by another client. The web server logs in as another device would (its own
 * User-Agent, no cookie jar of this browser's), and the lab's thief keeps what that device
 * received: the cookies the API set stay in its pocket on this server (lib/thief.ts), and the page
 * gets the API's answer with receipts, never a cookie value. That is what the thief holds when it
 * has the device, or a copy of its cookie store: the devices view ends such a login and replays its
 * credential by receipt (app/attacker/replay) to measure what ending it changed.
 *
 * With `share`, the browser gets the very same Set-Cookie headers and sends its own User-Agent: the
 * login is this browser's, and the thief keeps a copy of its refresh token, as one who read the
 * login's response on the wire would (the two-tabs view's reuse after the grace).
 */
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as Partial<Record<'strategy' | 'username' | 'password' | 'device' | 'ttl' | 'share', unknown>> | null
  const { strategy, username, password, device, ttl, share } = body ?? {}
  if (typeof strategy !== 'string' || !isStrategyName(strategy)) return badRequest('strategy must be one of the lab strategies')
  if (typeof username !== 'string' || typeof password !== 'string') return badRequest('username and password required')
  if (device !== undefined && (typeof device !== 'string' || !DEVICE.test(device))) return badRequest('device: 1 to 64 letters, digits, spaces or punctuation')
  if (ttl !== undefined && !(Number.isInteger(ttl) && (ttl as number) >= 3 && (ttl as number) <= 600)) return badRequest('ttl: whole seconds, 3 to 600')
  if (share !== undefined && typeof share !== 'boolean') return badRequest('share: true or false')
  // A DPoP login is bound to the key of the browser that signs its proof: this server cannot share one with the page.
  if (share && isDpopStrategy(strategy)) return badRequest('a jwt-dpop login is bound to the key of the browser that makes it: it cannot be shared')

  const userAgent = share ? (request.headers.get('user-agent') ?? undefined) : (device ?? 'another device')
  const url = `${env.apiUrl}/api/${strategy}/login`
  // The other device proves a key of its own, which stays on that device: the thief copies the token and cookies, never the key.
  const proof = isDpopStrategy(strategy) ? await signDpopProof(await createDpopKey(), 'POST', url) : null
  let upstream: Response
  try {
    upstream = await fetch(`${url}${ttl === undefined ? '' : `?ttl=${ttl as number}`}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(userAgent && { 'user-agent': userAgent }), ...(proof && { dpop: proof }) },
      body: JSON.stringify({ username, password }),
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    })
  } catch {
    return problem(502, 'API_UNREACHABLE', 'Bad Gateway', 'The web lab cannot reach the API')
  }
  const headers = passedOn(upstream)
  const text = await upstream.text()
  if (!upstream.ok) return new Response(text, { status: upstream.status, headers })
  const setCookies = upstream.headers.getSetCookie()
  if (share) for (const line of setCookies) headers.append('set-cookie', line)
  const login = JSON.parse(text) as LoginResponse
  const { credential, refresh } = pocketLogin(strategy, setCookies)
  const held: LoginElsewhere = {
    login,
    // A bearer token is in the login's answer, which its client (here, the page) reads by design.
    credential: login.accessToken ? { kind: 'bearer', token: login.accessToken, expiresAt: login.accessTokenExpiresAt ?? null } : credential,
    refresh,
  }
  return Response.json(held, { status: upstream.status, headers })
}
