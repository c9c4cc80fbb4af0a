import { parseServerTiming, REPLICA_HEADER, REPLICA_PIN_HEADER, type ErrorBody, type LoginResponse, type ServerTimingEntry, type StrategyName } from '@lab/contracts'

/** A credential captured by the "attacker" and sent again later. */
export type StolenCredential = { kind: 'cookie'; name: string; value: string } | { kind: 'bearer'; token: string }

/** What the thief can replay: one credential, or a device's cookie jar (session-cached's session cookie and its copy go together). */
export type ReplayCredential = StolenCredential | { kind: 'cookies'; cookies: Record<string, string> }

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
  /** the raw `Server-Timing` header, and its entries */
  serverTimingHeader: string | null
  serverTiming: ServerTimingEntry[]
  latencyMs: number
  startedAt: number
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'DELETE'
  json?: unknown
  /** sent as `Authorization: Bearer …` */
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
      serverTimingHeader: null,
      serverTiming: [],
      latencyMs: performance.now() - start,
      startedAt,
    }
  }
}

/** Every call the browser makes to the API (same origin, proxied to it by the web server). */
export function apiFetch<T = unknown>(path: `/api/${string}`, { method = 'GET', json, token, replica, credentials }: ApiOptions = {}): Promise<ApiCall<T>> {
  const headers: Record<string, string> = {}
  if (replica) headers[REPLICA_PIN_HEADER] = replica
  if (json !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  const body = json === undefined ? undefined : JSON.stringify(json)
  return send<T>(path, { method, headers, body, ...(credentials && { credentials }) }, { method, path, via: 'browser' })
}

/** Asks the web server to read this browser's session cookie, as a thief who got hold of it would have it. */
export async function stealCookie(strategy: 'session' | 'session-pg'): Promise<StolenCredential | null> {
  const response = await fetch('/attacker/steal', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ strategy }),
    cache: 'no-store',
  })
  return response.ok ? ((await response.json()) as StolenCredential) : null
}

/** Sends a stolen credential to the API from the web server, not from this browser (see app/attacker/replay). */
export function replayStolen<T = unknown>(strategy: StrategyName, target: ReplayTarget, credential: ReplayCredential): Promise<ApiCall<T>> {
  return send<T>(
    '/attacker/replay',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ strategy, target, credential }) },
    { method: target === 'refresh' ? 'POST' : 'GET', path: `/api/${strategy}/${target}`, via: 'attacker' },
  )
}

/** What a login made elsewhere gave its client: the API's answer and the cookies it set (see app/attacker/login). */
export interface LoginElsewhere {
  login: LoginResponse
  cookies: Record<string, string>
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
