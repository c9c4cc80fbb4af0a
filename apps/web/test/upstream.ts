// A real HTTP server standing where the API stands, recording what reaches it: enough to see the
// origin's proxy mechanics from the other side of the wire.
import { once } from 'node:events'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  /** body bytes that arrived */
  bytes: number
  /** the whole body arrived */
  complete: boolean
  /** resolves when the connection or request ends, complete or not, with the time it did */
  closed: Promise<number>
}

const jwtShaped = (claims: object) => `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`
const exp = Math.floor(Date.now() / 1000) + 600

/** What the upstream's logins set: values a test can look for (one URL-encoded, as a signed session id is). */
export const LOGIN_COOKIES = {
  exp,
  sid_cached: 's%3Aupstream-session.c2lnbg',
  session_cache: jwtShaped({ sub: 'alice', exp }),
  rt: 'upstream-refresh-token.c2lnbg',
  accessToken: jwtShaped({ sub: 'alice', aud: 'jwt', exp }),
  /** not hex, so no random receipt id can hold it by chance */
  device: 'upstream-device-cookie',
}

export interface Upstream {
  url: string
  received: Received[]
  close: () => Promise<void>
}

/**
 * - `/api/echo`: answers once the body is in, with what arrived, two cookies and a header of its own
 * - `/api/records`: a Server-Sent Events stream that sends one event and stays open
 * - `/api/cut`: starts an answer, then drops the connection
 * - `/api/slow`, `/orders/slow`: answer after 5 s
 * - `/api/health`: a healthy API, for the pages' store health
 * - `/api/session-cached/login`, `/api/jwt/login`: a login as the API answers it, with the cookies of
 *   `LOGIN_COOKIES` (and a device cookie, and one it clears)
 */
export async function startUpstream(): Promise<Upstream> {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    let closedAt!: (time: number) => void
    const entry: Received = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      bytes: 0,
      complete: false,
      closed: new Promise((resolve) => (closedAt = resolve)),
    }
    received.push(entry)
    req.on('data', (chunk: Buffer) => (entry.bytes += chunk.length))
    req.on('end', () => (entry.complete = true))
    res.on('close', () => closedAt(performance.now()))
    if (req.url === '/api/records') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
      res.write('event: record\ndata: {"n":1}\n\n')
      return
    }
    if (req.url === '/api/cut') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
      res.write('{"half":')
      setTimeout(() => res.destroy(), 50)
      return
    }
    if (req.url === '/api/slow' || req.url === '/orders/slow') {
      const timer = setTimeout(() => res.end('late'), 5000)
      res.on('close', () => clearTimeout(timer))
      return
    }
    req.on('end', () => {
      const login = /^\/api\/(session-cached|jwt)\/login(?:\?|$)/.exec(req.url ?? '')?.[1]
      if (login) {
        const user = { id: 1, username: 'alice', role: 'user' }
        const cookies =
          login === 'jwt'
            ? [`rt=${LOGIN_COOKIES.rt}; Path=/api/jwt/refresh; HttpOnly; SameSite=Strict`]
            : [`sid_cached=${LOGIN_COOKIES.sid_cached}; Path=/; HttpOnly; SameSite=Lax`, `session_cache=${LOGIN_COOKIES.session_cache}; Path=/; HttpOnly; SameSite=Lax`]
        res.writeHead(200, [
          ['content-type', 'application/json'],
          ['x-request-id', 'login-1'],
          ...cookies.map((cookie) => ['set-cookie', cookie]),
          ['set-cookie', `device_alice=${LOGIN_COOKIES.device}; Path=/api; HttpOnly`],
          ['set-cookie', 'sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT'],
        ].flat())
        const token = login === 'jwt' ? { accessToken: LOGIN_COOKIES.accessToken, accessTokenExpiresAt: new Date(LOGIN_COOKIES.exp * 1000).toISOString() } : {}
        res.end(JSON.stringify({ user, strategy: login, ...token }))
        return
      }
      if (req.url === '/api/health') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ status: 'ok', redis: 'up', postgres: 'up' }))
        return
      }
      res.writeHead(200, [
        ['content-type', 'application/json'],
        ['x-request-id', 'upstream-1'],
        ['server-timing', 'redis;dur=0.5;desc="GET"'],
        ['set-cookie', 'a=1; Path=/; HttpOnly'],
        ['set-cookie', 'b=2; Path=/api/jwt/refresh; HttpOnly'],
        ['keep-alive', 'timeout=72'],
      ].flat())
      res.end(JSON.stringify({ headers: req.headers, bytes: entry.bytes }))
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}
