import { ACCESS_TOKEN_COOKIE, isStrategyName, REFRESH_COOKIE, REFRESH_STRATEGIES, SESSION_CACHE_COOKIE, SESSION_COOKIE, type StrategyName } from '@lab/contracts'
import type { ReplayCredential, ReplayTarget } from '@/lib/api'
import { env } from '@/lib/env'

export const dynamic = 'force-dynamic'

const COOKIE_NAMES: readonly string[] = [...Object.values(SESSION_COOKIE), SESSION_CACHE_COOKIE, ACCESS_TOKEN_COOKIE, REFRESH_COOKIE]
const TOKEN = /^[\w-]*\.[\w-]*\.[\w-]*$/
const COOKIE_VALUE = /^[\w%.+/=:-]{1,1024}$/

const isCookie = (name: unknown, value: unknown) => typeof name === 'string' && COOKIE_NAMES.includes(name) && typeof value === 'string' && COOKIE_VALUE.test(value)

function parseCredential(value: unknown): ReplayCredential | null {
  const credential = value as Partial<{ kind: string; name: string; value: string; token: string; cookies: unknown }> | null
  if (credential?.kind === 'cookies' && typeof credential.cookies === 'object' && credential.cookies !== null) {
    // Only the lab's own cookies are sent on: whatever else a page's cookies held is left out.
    const cookies = Object.entries(credential.cookies).filter(([name]) => COOKIE_NAMES.includes(name))
    return cookies.every(([name, value]) => isCookie(name, value))
      ? { kind: 'cookies', cookies: Object.fromEntries(cookies) as Record<string, string> }
      : null
  }
  if (credential?.kind === 'cookie' && isCookie(credential.name, credential.value)) {
    return { kind: 'cookie', name: credential.name as string, value: credential.value as string }
  }
  if (credential?.kind === 'bearer' && typeof credential.token === 'string' && credential.token.length < 4096 && TOKEN.test(credential.token)) {
    return { kind: 'bearer', token: credential.token }
  }
  return null
}

function headersFor(credential: ReplayCredential): Record<string, string> {
  if (credential.kind === 'bearer') return { authorization: `Bearer ${credential.token}` }
  const cookies = credential.kind === 'cookie' ? { [credential.name]: credential.value } : credential.cookies
  const header = Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ')
  return header ? { cookie: header } : {}
}

function parseTarget(value: unknown, strategy: StrategyName): ReplayTarget | null {
  if (value === 'me' || value === 'admin' || value === 'sessions') return value
  return value === 'refresh' && (REFRESH_STRATEGIES as readonly string[]).includes(strategy) ? value : null
}

/**
 * Replays a stolen credential from this server, as an attacker would from their own machine: a fresh
 * client with no cookie jar, which sends only what was stolen. The API's answer comes back as it is
 * (status, error body, `x-request-id`, `Server-Timing`); its Set-Cookie never reaches the browser.
 */
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { strategy?: unknown; target?: unknown; credential?: unknown } | null
  const credential = parseCredential(body?.credential)
  const strategy = typeof body?.strategy === 'string' && isStrategyName(body.strategy) ? body.strategy : null
  const target = strategy && parseTarget(body?.target, strategy)
  if (!credential || !strategy || !target) {
    return Response.json({ statusCode: 400, code: 'BAD_REQUEST', error: 'Bad Request', message: 'strategy, target and credential required' }, { status: 400 })
  }
  let upstream: Response
  try {
    upstream = await fetch(`${env.apiUrl}/api/${strategy}/${target}`, {
      method: target === 'refresh' ? 'POST' : 'GET',
      headers: headersFor(credential),
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    })
  } catch {
    return Response.json({ statusCode: 502, code: 'API_UNREACHABLE', error: 'Bad Gateway', message: 'The web lab cannot reach the API' }, { status: 502 })
  }
  const passed = new Headers({ 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' })
  for (const name of ['x-request-id', 'server-timing']) {
    const value = upstream.headers.get(name)
    if (value !== null) passed.set(name, value)
  }
  return new Response(await upstream.text(), { status: upstream.status, headers: passed })
}
