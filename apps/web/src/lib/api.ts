import {
  AUTH_REASON_HEADER,
  parseServerTiming,
  REPLICA_HEADER,
  REPLICA_PIN_HEADER,
  type ErrorBody,
  type LoginResponse,
  type ServerTimingEntry,
  type StrategyName,
} from '@lab/contracts'
import { isDpopPath, signDpopProof } from './dpop'
import { boundKeyOf } from './jwt'
import { dpopKey } from './dpop-key'
import { isCookieStrategy, type CookieStrategy } from './strategies'
import { API_PATH_THIEF } from './views'

/**
 * Cookies the thief took and keeps on the web server (lib/thief.ts): the page holds this receipt,
 * with their names and sizes, never their values, which no script may read.
 */
export interface StolenCookies {
  kind: 'cookies'
  id: string
  cookies: Array<{ name: string; length: number }>
  /** the earliest `exp` among them (the session_cache copy, the at token), as the thief reads it; null for opaque session ids */
  expiresAt: string | null
}

/** A credential captured by the "attacker" and sent again later: a bearer token the page itself held, or pocketed cookies. */
export type StolenCredential = StolenCookies | { kind: 'bearer'; token: string; expiresAt: string | null }

/** What the thief replays a credential against: a protected route, the list of logins, or the refresh route with a refresh token. */
export type ReplayTarget = 'me' | 'admin' | 'sessions' | 'refresh'

/** One request as the lab shows it: what was sent, what came back, and what it cost. */
export interface ApiCall<T = unknown> {
  /** local id, unique on this page */
  id: string
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  /** who sent it: this browser, or the web server replaying a stolen credential */
  via: 'browser' | 'attacker'
  status: number
  ok: boolean
  body: T | null
  errorCode: string | null
  message: string | null
  /** the API's request id (`x-request-id`), which is also the id of its live record */
  requestId: string | null
  /** the API replica that answered (`x-replica`) */
  replica: string | null
  /** why a token was refused (`x-auth-reason`, demo profile only) */
  authReason: string | null
  /** the raw `Server-Timing` header, and its entries */
  serverTimingHeader: string | null
  serverTiming: ServerTimingEntry[]
  latencyMs: number
  startedAt: number
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'DELETE'
  json?: unknown
  /** sent as `Authorization: Bearer …`, or `DPoP …` to a DPoP strategy */
  token?: string | null
  /** the API replica the load balancer must send it to, instead of the next in turn */
  replica?: string
  /** `omit`: neither send nor keep this browser's cookies (a second person in the same page, e.g. an admin) */
  credentials?: 'omit'
}

let sequence = 0

async function send<T>(url: string, init: RequestInit, meta: Pick<ApiCall, 'method' | 'path' | 'via'>): Promise<ApiCall<T>> {
  const startedAt = Date.now()
  const start = performance.now()
  const id = `${startedAt}-${++sequence}`
  try {
    const response = await fetch(url, { credentials: 'same-origin', ...init, cache: 'no-store' })
    const text = await response.text()
    const latencyMs = performance.now() - start
    const parsed: unknown = text ? JSON.parse(text) : null
    const error = response.ok ? null : (parsed as Partial<ErrorBody> | null)
    return {
      id,
      ...meta,
      status: response.status,
      ok: response.ok,
      body: response.ok ? (parsed as T) : null,
      errorCode: error?.code ?? null,
      message: error?.message ?? null,
      requestId: response.headers.get('x-request-id'),
      replica: response.headers.get(REPLICA_HEADER),
      authReason: response.headers.get(AUTH_REASON_HEADER),
      serverTimingHeader: response.headers.get('server-timing'),
      serverTiming: parseServerTiming(response.headers.get('server-timing')),
      latencyMs,
      startedAt,
    }
  } catch (error) {
    return {
      id,
      ...meta,
      status: 0,
      ok: false,
      body: null,
      errorCode: 'NETWORK_ERROR',
      message: (error as Error).message,
      requestId: null,
      replica: null,
      authReason: null,
      serverTimingHeader: null,
      serverTiming: [],
      latencyMs: performance.now() - start,
      startedAt,
    }
  }
}

/**
 * Every call the browser makes to the API (same origin, proxied to it by the web server). A call to a
 * DPoP strategy carries a fresh proof signed with this browser's key, for the URL the browser uses.
 */
export async function apiFetch<T = unknown>(path: `/api/${string}`, { method = 'GET', json, token, replica, credentials }: ApiOptions = {}): Promise<ApiCall<T>> {
  const headers: Record<string, string> = {}
  if (replica) headers[REPLICA_PIN_HEADER] = replica
  if (json !== undefined) headers['content-type'] = 'application/json'
  if (isDpopPath(path)) {
    headers.dpop = await signDpopProof(await dpopKey(), method, new URL(path, location.origin).href, token)
    if (token) headers.authorization = `DPoP ${token}`
  } else if (token) headers.authorization = `Bearer ${token}`
  const body = json === undefined ? undefined : JSON.stringify(json)
  return send<T>(path, { method, headers, body, ...(credentials && { credentials }) }, { method, path, via: 'browser' })
}

/** A call to the second service (apps/orders, proxied by the web origin): its cookies for this origin go along, as far as their Path lets them. */
export function ordersFetch<T = unknown>(path: `/orders/${string}`, { token }: { token?: string | null } = {}): Promise<ApiCall<T>> {
  return send<T>(path, { method: 'GET', headers: token ? { authorization: `Bearer ${token}` } : {} }, { method: 'GET', path, via: 'browser' })
}

/**
 * Has the thief take this browser's credential cookies as they travel, and keep them (see
 * app/(demo)/attacker/steal): from /attacker/steal, where the Path=/ cookies go, or, for
 * `jwt-cookie`, from the one path under /api/jwt-cookie where the origin plays the thief.
 */
export async function stealCookies(strategy: CookieStrategy): Promise<StolenCookies | null> {
  const response = await fetch(strategy === 'jwt-cookie' ? API_PATH_THIEF.path : API_PATH_THIEF.route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ strategy }),
    cache: 'no-store',
  })
  return response.ok ? ((await response.json()) as StolenCookies) : null
}

/** What the thief takes right after a login: the bearer token the page was handed, or the strategy's cookies. */
export async function capture(strategy: StrategyName, login: { accessToken?: string; accessTokenExpiresAt?: string }): Promise<StolenCredential | null> {
  if (login.accessToken) return { kind: 'bearer', token: login.accessToken, expiresAt: login.accessTokenExpiresAt ?? null }
  return isCookieStrategy(strategy) ? stealCookies(strategy) : null
}

/** The stolen credential in a few words: what it is, never a secret the page should not hold. */
export function describeStolen(stolen: StolenCredential): string {
  // A DPoP-bound token (cnf.jkt) is sent with the DPoP scheme, and only with a proof by its key.
  if (stolen.kind === 'bearer') return `${boundKeyOf(stolen.token) ? 'DPoP' : 'Bearer'} ${stolen.token.slice(0, 18)}…`
  return stolen.cookies.map(({ name, length }) => `${name} (${length} characters)`).join(' + ')
}

/** Sends a stolen credential to the API from the web server, not from this browser (see app/attacker/replay). */
export function replayStolen<T = unknown>(strategy: StrategyName, target: ReplayTarget, credential: StolenCredential): Promise<ApiCall<T>> {
  return send<T>(
    '/attacker/replay',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ strategy, target, credential }) },
    { method: target === 'refresh' ? 'POST' : 'GET', path: `/api/${strategy}/${target}`, via: 'attacker' },
  )
}

/**
 * A login made elsewhere, as the thief holds it (see app/attacker/login): the API's answer, and
 * what its client was given to send again, the cookies among it as receipts for the thief's pocket.
 */
export interface LoginElsewhere {
  login: LoginResponse
  /** what the login's requests carry: its bearer token, or its credential cookies (session-cached's two) */
  credential: StolenCredential | null
  /** its refresh token (cookie rt), for the strategies that have one: it travels to the refresh route alone */
  refresh: StolenCookies | null
}

export interface LoginElsewhereOptions {
  strategy: StrategyName
  user: { username: string; password: string }
  /** the other client's User-Agent, which the API lists as the login's device; this browser's when `share` */
  device?: string
  /** seconds its access token or cached copy lives (demo `?ttl=`) */
  ttl?: number
  /** the login's cookies go to this browser too: the login is this browser's, and the thief keeps a copy */
  share?: boolean
}

/** Logs in from the web server, as another device (or a thief copying the login's response) would. */
export function loginElsewhere({ strategy, user, device, ttl, share }: LoginElsewhereOptions): Promise<ApiCall<LoginElsewhere>> {
  return send<LoginElsewhere>(
    '/attacker/login',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ strategy, ...user, device, ttl, share }) },
    { method: 'POST', path: `/api/${strategy}/login`, via: 'attacker' },
  )
}
