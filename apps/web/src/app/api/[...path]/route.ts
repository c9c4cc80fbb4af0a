import { env } from '@/lib/env'

// Forwarded at request time (API_URL is read when the server runs, not baked in at build as a rewrite would be).
export const dynamic = 'force-dynamic'

/**
 * Request headers the API needs; everything else (host, connection, …) is the proxy's own business.
 * Origin and Sec-Fetch-Site go through so the API's cross-site check sees what the browser said.
 */
const FORWARDED_REQUEST_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'cookie',
  'last-event-id',
  'origin',
  'sec-fetch-site',
  'user-agent',
  'x-forwarded-for',
  // the replicas view pins a request to one API replica; the load balancer (nginx) reads it
  'x-lab-replica',
]
/** Hop-by-hop or recomputed headers that must not be copied from the API's response. */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'set-cookie'])

/**
 * Same-origin proxy to the API: cookies stay first-party (SameSite works, `rt` keeps its path
 * /api/jwt/refresh), Set-Cookie passes through unchanged, and the body is streamed as it arrives,
 * so the Server-Sent Events of /api/records reach the browser unbuffered.
 */
async function proxy(request: Request, { params }: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const { path } = await params
  const url = new URL(request.url)
  const target = `${env.apiUrl}/api/${path.map(encodeURIComponent).join('/')}${url.search}`
  const headers = new Headers()
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = request.headers.get(name)
    if (value !== null) headers.set(name, value)
  }
  // The API trusts a proxy on loopback: it judges Origin and cookie security against the host the browser used.
  headers.set('x-forwarded-host', request.headers.get('host') ?? url.host)
  headers.set('x-forwarded-proto', url.protocol.replace(':', ''))
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  let upstream: Response
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? await request.arrayBuffer() : undefined,
      redirect: 'manual',
      signal: request.signal,
      cache: 'no-store',
    })
  } catch {
    return Response.json(
      { statusCode: 502, code: 'API_UNREACHABLE', error: 'Bad Gateway', message: 'The web lab cannot reach the API' },
      { status: 502 },
    )
  }
  const responseHeaders = new Headers()
  upstream.headers.forEach((value, name) => {
    if (!DROPPED_RESPONSE_HEADERS.has(name)) responseHeaders.set(name, value)
  })
  for (const cookie of upstream.headers.getSetCookie()) responseHeaders.append('set-cookie', cookie)
  return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders })
}

export { proxy as GET, proxy as POST, proxy as PUT, proxy as PATCH, proxy as DELETE }
