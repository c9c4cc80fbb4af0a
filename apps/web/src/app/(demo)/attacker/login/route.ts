import { isStrategyName } from '@lab/contracts'
import { env } from '@/lib/env'

export const dynamic = 'force-dynamic'

/** A device's name as the API will list it (its User-Agent): printable, short. */
const DEVICE = /^[\w .,;:()/+-]{1,64}$/

const badRequest = (message: string) => Response.json({ statusCode: 400, code: 'BAD_REQUEST', error: 'Bad Request', message }, { status: 400 })

/** `name=value` of each cookie a response sets; a cookie being cleared (empty, or already expired) is left out. */
function cookiesSet(setCookies: string[]): Record<string, string> {
  const jar: Record<string, string> = {}
  for (const line of setCookies) {
    const [pair = '', ...attributes] = line.split(';')
    const separator = pair.indexOf('=')
    const name = pair.slice(0, separator).trim()
    const value = pair.slice(separator + 1).trim()
    const cleared = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute) || /^\s*expires=thu, 01 jan 1970/i.test(attribute))
    if (separator > 0 && value && !cleared) jar[name] = value
  }
  return jar
}

/**
 * A login made by another client. The web server logs in as another device would (its own
 * User-Agent, no cookie jar of this browser's) and hands the page everything that client received:
 * the API's answer and the cookies it set. That is what the lab's thief holds when it has the device,
 * or a copy of its cookie store: the devices view ends such a login and replays its credential
 * (app/attacker/replay) to measure what ending it changed.
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

  const userAgent = share ? (request.headers.get('user-agent') ?? undefined) : (device ?? 'another device')
  let upstream: Response
  try {
    upstream = await fetch(`${env.apiUrl}/api/${strategy}/login${ttl === undefined ? '' : `?ttl=${ttl as number}`}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(userAgent && { 'user-agent': userAgent }) },
      body: JSON.stringify({ username, password }),
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    })
  } catch {
    return Response.json({ statusCode: 502, code: 'API_UNREACHABLE', error: 'Bad Gateway', message: 'The web lab cannot reach the API' }, { status: 502 })
  }
  const headers = new Headers({ 'content-type': 'application/json', 'cache-control': 'no-store' })
  for (const name of ['x-request-id', 'server-timing']) {
    const value = upstream.headers.get(name)
    if (value !== null) headers.set(name, value)
  }
  const text = await upstream.text()
  if (!upstream.ok) return new Response(text, { status: upstream.status, headers })
  const setCookies = upstream.headers.getSetCookie()
  if (share) for (const line of setCookies) headers.append('set-cookie', line)
  return new Response(JSON.stringify({ login: JSON.parse(text) as unknown, cookies: cookiesSet(setCookies) }), { status: upstream.status, headers })
}
