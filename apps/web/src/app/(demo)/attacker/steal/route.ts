import { COOKIE_STRATEGIES } from '@lab/contracts'
import { isCookieStrategy } from '@/lib/strategies'
import { CREDENTIAL_COOKIES, credentialIn, pocketLoot } from '@/lib/thief'
import { API_PATH_THIEF } from '@/lib/views'

export const dynamic = 'force-dynamic'

/**
 * The lab's thief, for the strategies whose credential is a cookie. Those cookies are HttpOnly, so no
 * script in the page can read them (that is the point: an XSS cannot steal them). They still leave
 * the browser on every request, and anyone who sees that traffic, the logs or the disk gets them.
 * This route stands in for that someone: it takes the cookies the browser sends it and keeps them on
 * this server (lib/thief.ts). The page gets a receipt, never a value: no script learns the secret.
 * `jwt-cookie`'s cookie only travels under /api/jwt-cookie, so its thief listens there (lib/views.ts).
 */
export async function POST(request: Request): Promise<Response> {
  const { strategy } = (await request.json().catch(() => ({}))) as { strategy?: unknown }
  if (typeof strategy !== 'string' || !isCookieStrategy(strategy)) {
    return Response.json({ statusCode: 400, code: 'BAD_REQUEST', error: 'Bad Request', message: `strategy must be one of ${COOKIE_STRATEGIES.join(', ')}` }, { status: 400 })
  }
  const cookies = credentialIn(strategy, request.headers.get('cookie'))
  if (!cookies) {
    const names = CREDENTIAL_COOKIES[strategy].join(' and ')
    const where = strategy === 'jwt-cookie' ? `: it travels only to /api/jwt-cookie/…, so ask ${API_PATH_THIEF.path}` : ': log in first'
    return Response.json({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: `no ${names} cookie reached the thief${where}` }, { status: 404 })
  }
  return Response.json(pocketLoot(strategy, cookies), { headers: { 'cache-control': 'no-store' } })
}
