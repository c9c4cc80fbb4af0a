import { countRoundTrips, ERROR_CODES, type ErrorCode, type StrategyName, type User } from '@lab/contracts'
import { OrdersError, authMissing } from './errors.ts'
import { hop } from './timing.ts'

const isErrorCode = (value: unknown): value is ErrorCode => (ERROR_CODES as readonly string[]).includes(value as string)

/**
 * Sessions checked by asking the API: `GET /api/:strategy/me` with the browser's session cookie(s)
 * and the request's scheme as X-Forwarded-Proto (the API names its cookies by it: over https it reads
 * `__Host-sid`, never `sid`), and nothing else (no X-Forwarded-For: the API sees this service's
 * address, which a client cannot choose; the API rate-limits logins, not /me, so a classroom's orders
 * never meet a 429 of the hop's making). The API believes the scheme only from its TRUST_PROXY, which
 * must cover this service as it covers the web origin. One extra hop per request, recorded as `api` with what the API itself did; when the API
 * is down or frozen, a 503 within `timeoutMs` (a second, two with the embedded Postgres).
 */
export function introspector(apiUrl: string, timeoutMs: number) {
  return async function introspect(strategy: StrategyName, cookies: string[], protocol: 'http' | 'https'): Promise<User> {
    if (cookies.length === 0) throw authMissing()
    const path = `/api/${strategy}/me`
    let status = 0
    let body: unknown
    try {
      // As long as the API waits on its Postgres (DATABASE_TIMEOUT), so a busy store is its answer, not a frozen API.
      const signal = AbortSignal.timeout(timeoutMs)
      await hop(
        'api',
        (response: { status: number; stores: string } | undefined) => (response ? `GET ${path} ${response.status}${response.stores}` : `GET ${path} failed`),
        async () => {
          const response = await fetch(`${apiUrl}${path}`, { headers: { cookie: cookies.join('; '), accept: 'application/json', 'x-forwarded-proto': protocol }, signal, redirect: 'manual' })
          status = response.status
          body = await response.json().catch(() => null)
          const { redis, pg } = countRoundTrips(response.headers.get('server-timing'))
          const stores = [redis > 0 ? `${redis} redis` : '', pg > 0 ? `${pg} pg` : ''].filter(Boolean).join(', ')
          return { status, stores: ` (API: ${stores || 'no store'})` }
        },
      )
    } catch (error) {
      const frozen = (error as Error).name === 'TimeoutError'
      throw new OrdersError(503, 'API_UNREACHABLE', frozen ? `The API did not answer within ${timeoutMs / 1000} s` : 'The API cannot be reached')
    }
    if (status === 200) {
      const user = (body as { user?: User } | null)?.user
      if (user && typeof user.id === 'string' && typeof user.username === 'string' && (user.role === 'user' || user.role === 'admin')) {
        return { id: user.id, username: user.username, role: user.role }
      }
    }
    const error = body as { code?: unknown; message?: unknown } | null
    // The API's refusal, as it said it (401 AUTH_*, 503 STORE_UNAVAILABLE, …); anything else is the API failing.
    if (status >= 400 && status < 600 && status !== 500 && isErrorCode(error?.code) && typeof error.message === 'string') {
      throw new OrdersError(status, error.code, error.message)
    }
    throw new OrdersError(503, 'API_UNREACHABLE', 'The API could not check the session')
  }
}
