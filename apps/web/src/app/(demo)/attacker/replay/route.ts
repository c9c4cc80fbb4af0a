import { isStrategyName, REFRESH_COOKIE, SESSION_COOKIE } from '@lab/contracts'
import type { StolenCredential } from '@/lib/api'
import { env } from '@/lib/env'

export const dynamic = 'force-dynamic'

const COOKIE_NAMES: readonly string[] = [...Object.values(SESSION_COOKIE), REFRESH_COOKIE]
const TOKEN = /^[\w-]*\.[\w-]*\.[\w-]*$/
const COOKIE_VALUE = /^[\w%.+/=:-]{1,1024}$/

function parseCredential(value: unknown): StolenCredential | null {
  const credential = value as Partial<{ kind: string; name: string; value: string; token: string }> | null
  if (credential?.kind === 'cookie' && COOKIE_NAMES.includes(credential.name ?? '') && COOKIE_VALUE.test(credential.value ?? '')) {
    return { kind: 'cookie', name: credential.name as string, value: credential.value as string }
  }
  if (credential?.kind === 'bearer' && typeof credential.token === 'string' && credential.token.length < 4096 && TOKEN.test(credential.token)) {
    return { kind: 'bearer', token: credential.token }
  }
  return null
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
  const target = body?.target === 'me' || body?.target === 'admin' ? body.target : null
  if (!credential || !strategy || !target) {
    return Response.json({ statusCode: 400, code: 'BAD_REQUEST', error: 'Bad Request', message: 'strategy, target and credential required' }, { status: 400 })
  }
  const headers: Record<string, string> =
    credential.kind === 'cookie' ? { cookie: `${credential.name}=${credential.value}` } : { authorization: `Bearer ${credential.token}` }
  let upstream: Response
  try {
    upstream = await fetch(`${env.apiUrl}/api/${strategy}/${target}`, { headers, cache: 'no-store', signal: AbortSignal.timeout(10_000) })
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
