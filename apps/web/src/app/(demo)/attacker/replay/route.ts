import { isStrategyName, type StrategyName } from '@lab/contracts'
import type { ReplayTarget } from '@/lib/api'
import { env } from '@/lib/env'
import { signDpopProof } from '@/lib/dpop'
import { isCookieStrategy, isDpopStrategy, isRefreshStrategy } from '@/lib/strategies'
import { credentialIn, lootFor, passedOn, problem, thiefDpopKey } from '@/lib/thief'

export const dynamic = 'force-dynamic'

const TOKEN = /^[\w-]*\.[\w-]*\.[\w-]*$/
const LOOT_ID = /^[0-9a-f-]{36}$/

/**
 * The headers that carry a stolen credential: a bearer token the page holds, cookies from the
 * thief's pocket by their receipt, or what a script read from `document.cookie` (the token-storage
 * view's simulated XSS, exfiltrating what any script can read: of it, only the strategy's credential
 * cookies are sent on, which are HttpOnly and so never there).
 */
function credentialHeaders(strategy: StrategyName, value: unknown): Record<string, string> | null {
  const credential = value as Partial<{ kind: string; token: string; id: string; value: string }> | null
  if (credential?.kind === 'bearer' && typeof credential.token === 'string' && credential.token.length < 4096 && TOKEN.test(credential.token)) {
    return { authorization: `Bearer ${credential.token}` }
  }
  if (credential?.kind === 'cookies' && typeof credential.id === 'string' && LOOT_ID.test(credential.id)) {
    const cookies = lootFor(strategy, credential.id)
    return cookies && { cookie: cookies.map(({ name, value }) => `${name}=${value}`).join('; ') }
  }
  if (credential?.kind === 'document.cookie' && typeof credential.value === 'string' && credential.value.length < 4096 && isCookieStrategy(strategy)) {
    const cookies = credentialIn(strategy, credential.value)
    return cookies ? { cookie: cookies.map(({ name, value }) => `${name}=${value}`).join('; ') } : {}
  }
  return null
}

/** A protected route, the list of logins, or, for the strategies that have one, the refresh route. */
function targetOf(value: unknown, strategy: StrategyName): ReplayTarget | null {
  if (value === 'me' || value === 'admin' || value === 'sessions') return value
  return value === 'refresh' && isRefreshStrategy(strategy) ? value : null
}

/**
 * Replays a stolen credential from this server, as an attacker would from their own machine: a fresh
 * client with no cookie jar, which sends only what was stolen (every cookie of it: both of
 * `session-cached`'s). The API's answer comes back as it is (status, error body, `x-request-id`,
 * `Server-Timing`, the replica, the demo's refusal reason); its Set-Cookie (a rotated refresh token,
 * a new session copy) never reaches the browser.
 */
export async function POST(request: Request): Promise<Response> {
  const body = (await request.json().catch(() => null)) as { strategy?: unknown; target?: unknown; credential?: unknown } | null
  const strategy = typeof body?.strategy === 'string' && isStrategyName(body.strategy) ? body.strategy : null
  const target = strategy && targetOf(body?.target, strategy)
  if (!strategy || !target) return problem(400, 'BAD_REQUEST', 'Bad Request', 'strategy, target and credential required')
  const headers = credentialHeaders(strategy, body?.credential)
  if (!headers) return problem(400, 'BAD_REQUEST', 'Bad Request', 'a bearer token, or the receipt of cookies this thief holds for that strategy, required')
  const url = `${env.apiUrl}/api/${strategy}/${target}`
  const method = target === 'refresh' ? 'POST' : 'GET'
  if (isDpopStrategy(strategy)) {
    // The thief has the token (or the refresh cookie) but not the browser's key: it signs with its own.
    const token = headers.authorization?.slice('Bearer '.length)
    if (token) headers.authorization = `DPoP ${token}`
    headers.dpop = await signDpopProof(await thiefDpopKey(), method, url, token)
  }
  let upstream: Response
  try {
    upstream = await fetch(url, {
      method,
      headers,
      cache: 'no-store',
      signal: AbortSignal.timeout(10_000),
    })
  } catch {
    return problem(502, 'API_UNREACHABLE', 'Bad Gateway', 'The web lab cannot reach the API')
  }
  return new Response(await upstream.text(), { status: upstream.status, headers: passedOn(upstream) })
}
