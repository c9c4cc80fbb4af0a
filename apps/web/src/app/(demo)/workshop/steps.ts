import type { LoginResponse, RangeMe, RefreshResponse, StrategyName } from '@lab/contracts'
import { apiFetch, replayStolen, stealCookies, type ApiCall } from '@/lib/api'
import { decodeToken } from '@/lib/jwt'
import { DEMO_USERS } from '@/lib/strategies'
import { forgeUnsigned } from '../range/forge'

/** What a step's action can do: send requests (each lands on the step's timeline) and keep tokens between steps. */
export interface StepContext {
  log<T>(label: string, call: ApiCall<T>): ApiCall<T>
  /** a line shown under the timeline: what to point at */
  say(line: string): void
  tokens: Partial<Record<StrategyName, string>>
}

export interface Step {
  title: string
  /** the one idea of the step, in a sentence or two for the room */
  concept: string
  /** what to look at on the timeline once the action ran */
  lookFor: string
  action: string
  run(context: StepContext): Promise<void>
}

const trips = (call: ApiCall) => call.serverTiming.filter((entry) => entry.name === 'redis' || entry.name === 'pg').length

async function login(context: StepContext, strategy: StrategyName): Promise<ApiCall<LoginResponse>> {
  const call = context.log(`${strategy} login`, await apiFetch<LoginResponse>(`/api/${strategy}/login`, { method: 'POST', json: DEMO_USERS.alice }))
  if (call.body?.accessToken) context.tokens[strategy] = call.body.accessToken
  return call
}

const me = async (context: StepContext, strategy: StrategyName, label = `${strategy} /me`) =>
  context.log(label, await apiFetch(`/api/${strategy}/me`, { token: context.tokens[strategy] ?? null }))

/** One concept per step, in the order a talk tells it; every number shown comes from the requests just made. */
export const STEPS: Step[] = [
  {
    title: 'A session is a key to state on the server',
    concept: 'The browser holds a random id in an HttpOnly cookie. On every request the server looks the id up in its store.',
    lookFor: 'the /me request: one Redis round trip, the GET of the session.',
    action: 'Log in with session, then call /me',
    async run(context) {
      await login(context, 'session')
      const call = await me(context, 'session')
      context.say(`/me made ${trips(call)} store round trip(s).`)
    },
  },
  {
    title: 'A JWT carries its own claims',
    concept: 'The server signs who you are into the token; checking it is an HMAC over the token, no store involved.',
    lookFor: 'the /me request: no store round trip at all.',
    action: 'Log in with jwt, then call /me',
    async run(context) {
      await login(context, 'jwt')
      const call = await me(context, 'jwt')
      context.say(`/me made ${trips(call)} store round trip(s).`)
    },
  },
  {
    title: 'Signed, not encrypted',
    concept: 'Anyone holding the token can read its header and payload: base64url is an encoding, not a secret. Workshop exercise 1.',
    lookFor: 'the decoded claims below: the user, the role, the expiry, all readable.',
    action: 'Decode the jwt access token',
    async run(context) {
      if (!context.tokens.jwt) await login(context, 'jwt')
      const decoded = decodeToken(context.tokens.jwt ?? '')
      if ('error' in decoded) return context.say(decoded.error)
      context.say(`header ${JSON.stringify(decoded.header)}`)
      context.say(`payload ${JSON.stringify(decoded.payload)}`)
    },
  },
  {
    title: 'Logging out of a session revokes it at once',
    concept: 'Logout deletes the state the cookie pointed to. A copy of the cookie, sent again, finds nothing.',
    lookFor: 'the copied cookie replayed after logout: 401.',
    action: 'Log in with session, copy the cookie, log out, replay the copy',
    async run(context) {
      await login(context, 'session')
      const copy = await stealCookies('session')
      if (!copy) return context.say('No session cookie to copy: did the login fail?')
      context.log('session logout', await apiFetch('/api/session/logout', { method: 'POST' }))
      const after = context.log('copied cookie, after logout', await replayStolen('session', 'me', copy))
      context.say(`The copied cookie, after logout, got ${after.status} ${after.errorCode ?? ''}.`)
    },
  },
  {
    title: 'Logging out of a plain JWT does not revoke the access token',
    concept: 'Nothing on the server says the token is gone: it stays valid until its exp. Logout can only revoke the refresh token.',
    lookFor: 'the /me after logout, with the same token: still 200.',
    action: 'Log in with jwt, log out, replay the access token',
    async run(context) {
      const grant = await login(context, 'jwt')
      context.log('jwt logout', await apiFetch('/api/jwt/logout', { method: 'POST', token: context.tokens.jwt ?? null }))
      const after = await me(context, 'jwt', 'jwt /me after logout')
      const expiresAt = grant.body?.accessTokenExpiresAt
      const left = expiresAt ? Math.round((Date.parse(expiresAt) - Date.now()) / 1000) : null
      context.say(`/me after logout answered ${after.status}${left === null ? '' : `; the token works for another ${left} s`}.`)
    },
  },
  {
    title: 'A denylist makes logout immediate, for a round trip per request',
    concept: 'Remember revoked token ids in Redis until they expire, and look every token up. Workshop exercise 5.',
    lookFor: 'the /me before logout (one Redis lookup, like a session) and after it (401 AUTH_REVOKED).',
    action: 'Log in with jwt-denylist, /me, log out, /me',
    async run(context) {
      await login(context, 'jwt-denylist')
      const before = await me(context, 'jwt-denylist')
      context.log('jwt-denylist logout', await apiFetch('/api/jwt-denylist/logout', { method: 'POST', token: context.tokens['jwt-denylist'] ?? null }))
      const after = await me(context, 'jwt-denylist', 'jwt-denylist /me after logout')
      context.say(`/me cost ${trips(before)} round trip(s); after logout it answered ${after.status} ${after.errorCode ?? ''}.`)
    },
  },
  {
    title: 'A cached session spares the store, and pays for it at logout',
    concept: 'session-cached keeps a signed, short-lived copy of the session in a second HttpOnly cookie: while it is fresh, no store is asked. Logout deletes the session, but a stolen fresh copy cannot be recalled.',
    lookFor: 'the /me: no round trip; the thief replaying both stolen cookies after logout: still 200, until the copy goes stale.',
    action: 'Log in with session-cached, /me, let the thief take both cookies, log out, replay them',
    async run(context) {
      await login(context, 'session-cached')
      const before = await me(context, 'session-cached')
      const loot = await stealCookies('session-cached')
      if (!loot) return context.say('No session-cached cookies to take: did the login fail?')
      context.log('session-cached logout', await apiFetch('/api/session-cached/logout', { method: 'POST' }))
      const after = context.log('stolen cookies, after logout', await replayStolen('session-cached', 'me', loot))
      const left = loot.expiresAt ? Math.round((Date.parse(loot.expiresAt) - Date.now()) / 1000) : null
      context.say(`/me made ${trips(before)} store round trip(s). The stolen cookies, after logout, got ${after.status}${after.errorCode ? ` ${after.errorCode}` : ''}${left === null ? '' : `; the copy is fresh for another ${left} s`}.`)
    },
  },
  {
    title: 'A JWT in an HttpOnly cookie is out of a script\'s reach',
    concept: 'jwt-cookie sends the same access token as jwt, but in an HttpOnly, SameSite=Strict cookie: the browser sends it by itself, no script can read it, and CSRF defences guard it like a session.',
    lookFor: 'the login: no accessToken in its body; /me: 200 with no Authorization header and no round trip.',
    action: 'Log in with jwt-cookie, look for the token, call /me',
    async run(context) {
      const grant = await login(context, 'jwt-cookie')
      const call = await me(context, 'jwt-cookie')
      const visible = document.cookie.split(';').map((pair) => pair.split('=')[0]?.trim()).filter(Boolean)
      context.say(`The login body holds ${Object.keys(grant.body ?? {}).join(', ')}: ${grant.body?.accessToken ? 'a token' : 'no token'}. The cookies a script can read: ${visible.join(', ') || 'none'}.`)
      context.say(`/me answered ${call.status} and made ${trips(call)} store round trip(s).`)
    },
  },
  {
    title: 'Refresh tokens rotate',
    concept: 'A short access token, and an opaque refresh token in a cookie that is exchanged for a new one at every use. A used one coming back means theft: the whole login is revoked. Workshop exercise 6.',
    lookFor: 'each refresh: a new access token, and the Postgres round trips of the rotation.',
    action: 'Log in with jwt, refresh twice',
    async run(context) {
      await login(context, 'jwt')
      const seen = new Set([context.tokens.jwt])
      for (const label of ['first refresh', 'second refresh']) {
        const call = context.log(label, await apiFetch<RefreshResponse>('/api/jwt/refresh', { method: 'POST' }))
        if (call.body) seen.add(call.body.accessToken)
      }
      context.say(`${seen.size} different access tokens for one login.`)
    },
  },
  {
    title: 'The verifier decides, not the token',
    concept: 'A token says which algorithm signed it; a verifier that believes it accepts "alg: none". The real API allows exactly one algorithm. Workshop exercise 8, and the /range page.',
    lookFor: 'the same unsigned admin token: 200 on the deliberately vulnerable range, 401 on the real API.',
    action: 'Send an alg:none admin token to both',
    async run(context) {
      const token = forgeUnsigned()
      const range = context.log('range /none/admin', await apiFetch<RangeMe>('/api/range/none/admin', { token }))
      const real = context.log('real /jwt/admin', await apiFetch('/api/jwt/admin', { token }))
      if (range.status === 404) return context.say('No attack range on this API: it exists in the demo profile only (pnpm demo).')
      context.say(`Range: ${range.status}${range.body ? ` as ${range.body.user.role}` : ''}. Real API: ${real.status} ${real.errorCode ?? ''}.`)
    },
  },
]
