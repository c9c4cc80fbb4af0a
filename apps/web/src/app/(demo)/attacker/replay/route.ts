import { AUTH_REASON_HEADER, isStrategyName, REPLICA_HEADER } from '@lab/contracts'
import { env } from '@/lib/env'
import { lootFor } from '@/lib/thief'

export const dynamic = 'force-dynamic'

const TOKEN = /^[\w-]*\.[\w-]*\.[\w-]*$/
const LOOT_ID = /^[0-9a-f-]{36}$/

const problem = (status: number, code: string, error: string, message: string) => Response.json({ statusCode: status, code, error, message }, { status })

/** The headers that carry a stolen credential: a bearer token the page holds, or cookies from the thief's pocket. */
function credentialHeaders(strategy: string, value: unknown): Record<string, string> | null {
  const credential = value as Partial<{ kind: string; token: string; id: string }> | null
  if (credential?.kind === 'bearer' && typeof credential.token === 'string' && credential.token.length < 4096 && TOKEN.test(credential.token)) {
    return { authorization: `Bearer ${credential.token}` }
  }
  if (credential?.kind === 'cookies' && typeof credential.id === 'string' && LOOT_ID.test(credential.id)) {
    const cookies = lootFor(strategy, credential.id)
    return cookies && { cookie: cookies.map(({ name, value }) => `${name}=${value}`).join('; ') }
  }
  return null
}

/**
 * Replays a stolen credential from this server, as an attacker would from their own machine: a fresh
 * client with no cookie jar, which sends only what was stolen (every cookie of it: both of
 * `session-cached`'s). The API's answer comes back as it is (status, error body, `x-request-id`,
 * `Server-Timing`, the replica, the demo's refusal reason); its Set-Cookie never reaches the browser.
 */
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { strategy?: unknown; target?: unknown; credential?: unknown } | null
  const strategy = typeof body?.strategy === 'string' && isStrategyName(body.strategy) ? body.strategy : null
  const target = body?.target === 'me' || body?.target === 'admin' ? body.target : null
  if (!strategy || !target) return problem(400, 'BAD_REQUEST', 'Bad Request', 'strategy, target and credential required')
  const headers = credentialHeaders(strategy, body?.credential)
  if (!headers) return problem(400, 'BAD_REQUEST', 'Bad Request', 'a bearer token, or the receipt of cookies this thief holds for that strategy, required')
  let upstream: Response
  try {
    upstream = await fetch(`${env.apiUrl}/api/${strategy}/${target}`, { headers, cache: 'no-store', signal: AbortSignal.timeout(10_000) })
  } catch {
    return problem(502, 'API_UNREACHABLE', 'Bad Gateway', 'The web lab cannot reach the API')
  }
  const passed = new Headers({ 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'cache-control': 'no-store' })
  for (const name of ['x-request-id', 'server-timing', REPLICA_HEADER, AUTH_REASON_HEADER]) {
    const value = upstream.headers.get(name)
    if (value !== null) passed.set(name, value)
  }
  return new Response(await upstream.text(), { status: upstream.status, headers: passed })
}
