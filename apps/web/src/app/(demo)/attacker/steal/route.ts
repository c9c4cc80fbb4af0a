import { SESSION_COOKIE } from '@lab/contracts'
import type { StolenCredential } from '@/lib/api'

export const dynamic = 'force-dynamic'

/**
 * The lab's thief, for cookie strategies. `sid` and `sid_pg` are HttpOnly, so no script in the page
 * can read them (that is the point of HttpOnly: an XSS cannot steal them). They still leave the
 * browser on every request, and a thief who sees traffic, logs or the disk gets them. This route
 * stands in for that thief: it reads the cookie the browser sends to this server and hands it over.
 */
export async function POST(request: Request): Promise<Response> {
  const { strategy } = (await request.json().catch(() => ({}))) as { strategy?: unknown }
  if (strategy !== 'session' && strategy !== 'session-pg') {
    return Response.json({ code: 'BAD_REQUEST', message: 'strategy must be session or session-pg' }, { status: 400 })
  }
  const name = SESSION_COOKIE[strategy]
  const cookie = request.headers
    .get('cookie')
    ?.split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name}=`))
  if (!cookie) return Response.json({ code: 'NOT_FOUND', message: `no ${name} cookie to steal: log in first` }, { status: 404 })
  const stolen: StolenCredential = { kind: 'cookie', name, value: cookie.slice(name.length + 1) }
  return Response.json(stolen, { headers: { 'cache-control': 'no-store' } })
}
