'use client'
import Link from 'next/link'
import { useState } from 'react'
import { COOKIE_STRATEGIES, type LoginResponse, type MeResponse, type RefreshResponse, type StrategyName } from '@lab/contracts'
import { apiFetch, capture, describeStolen, replayStolen, type ApiCall } from '@/lib/api'
import type { PaneCall, SavedPane } from '@/lib/compare-setup'
import { useCredentials } from '@/lib/credentials'
import { outcomeOf } from '@/lib/outcome'
import { API_PATH_THIEF, inspectorHref } from '@/lib/views'
import { DEMO_USERS, STRATEGY_NOTES, isDpopStrategy, isRefreshStrategy, isTokenStrategy, type DemoUser } from '@/lib/strategies'
import { perRequest, type KindTotal } from '@/lib/totals'
import { OutcomeChip } from '../outcome'
import { RequestRow } from '../request-row'
import { STRATEGY_COLORS } from './round-trip-chart'
import { useBusy } from '@/lib/busy'

/** Who the pane's credential belongs to, as the API's /me last answered. */
export type Identity = { state: 'checking' } | { state: 'unchecked' } | { state: 'checked'; call: ApiCall<MeResponse> }

interface StrategyPaneProps {
  pane: SavedPane
  calls: PaneCall[]
  onCall: (entry: PaneCall) => void
  onChange: (change: Partial<SavedPane>) => void
  identity: Identity
  /** asks /me who is logged in, with this bearer token (token strategies) */
  onCheck: (token: string | null) => Promise<void>
  /** round trips per authenticated request so far */
  perAuthenticated: KindTotal | null
  /** `?ttl=` for logins (demo profile), or null */
  ttl: number | null
  choices: StrategyName[]
  onChangeStrategy: (strategy: StrategyName) => void
  onRemove: (() => void) | undefined
  /** capture the credential at login and offer its replay by the web server (demo profile) */
  thief: boolean
}

const MAX_SHOWN = 40

function WhoIsLoggedIn({ identity, onCheck, busy, tokenPerTab }: { identity: Identity; onCheck: () => void; busy: boolean; tokenPerTab: boolean }) {
  const call = identity.state === 'checked' ? identity.call : null
  const user = call?.ok ? (call.body?.user ?? null) : null
  return (
    <p className="identity" role="status" data-testid="identity" data-user={user?.username ?? ''} data-state={call ? (user ? 'in' : 'out') : identity.state}>
      {call === null ? (
        identity.state === 'checking' ? 'asking /me who is logged in…' : 'an imported run: this browser has not asked /me'
      ) : (
        <>
          <span className={user ? 'identity-in' : 'identity-out'} aria-hidden>
            {user ? '●' : '○'}
          </span>{' '}
          {user ? (
            <>
              logged in as <strong>{user.username}</strong> ({user.role})
            </>
          ) : call.status === 401 ? (
            <>
              <strong>nobody logged in</strong>
              {tokenPerTab && call.errorCode === 'AUTH_MISSING' && (
                <span className="muted" data-testid="token-per-tab">
                  {' '}
                  in this tab: its access token stays in the tab that logged in (sessionStorage), unlike a cookie
                </span>
              )}
            </>
          ) : (
            <strong>could not tell</strong>
          )}{' '}
          <span className="muted">
            GET /me <OutcomeChip outcome={outcomeOf(call.status, 'owner')}>{call.status || 'no answer'}</OutcomeChip>
            {call.errorCode ? ` ${call.errorCode}` : ''} at {new Date(call.startedAt).toLocaleTimeString()}
          </span>
        </>
      )}{' '}
      <button type="button" className="quiet small" onClick={onCheck} disabled={busy}>
        check again
      </button>
    </p>
  )
}

/** One strategy: who is logged in, its actions, what the thief holds, and the timeline of its requests. */
export function StrategyPane(props: StrategyPaneProps) {
  const { pane, calls, onCall, onChange, identity, onCheck, perAuthenticated, ttl, choices, onChangeStrategy, onRemove, thief } = props
  const { strategy, user, stolen } = pane
  const { tokens, setToken } = useCredentials()
  const [times, setTimes] = useState(5)
  const { busy, run } = useBusy()
  const tokenStrategy = isTokenStrategy(strategy)
  const token = tokenStrategy ? (tokens[strategy]?.accessToken ?? null) : null
  const note = STRATEGY_NOTES[strategy]

  const log = <T,>(label: string, call: ApiCall<T>): ApiCall<T> => {
    onCall({ strategy, label, call })
    return call
  }

  const login = run(async () => {
    const path = `/api/${strategy}/login${ttl === null ? '' : `?ttl=${ttl}`}` as const
    const call = log('login', await apiFetch<LoginResponse>(path, { method: 'POST', json: DEMO_USERS[user] }))
    if (!call.ok || !call.body) return
    let fresh: string | null = null
    if (isTokenStrategy(strategy) && call.body.accessToken && call.body.accessTokenExpiresAt) {
      fresh = call.body.accessToken
      setToken(strategy, { accessToken: call.body.accessToken, expiresAt: call.body.accessTokenExpiresAt, username: call.body.user.username })
    }
    if (thief) onChange({ stolen: await capture(strategy, call.body) })
    await onCheck(fresh)
  })
  const me = run(async () => {
    for (let i = 0; i < times; i++) log('/me', await apiFetch(`/api/${strategy}/me`, { token }))
  })
  const admin = run(async () => {
    log('/admin', await apiFetch(`/api/${strategy}/admin`, { token }))
  })
  const refresh = run(async () => {
    const call = log('refresh', await apiFetch<RefreshResponse>(`/api/${strategy}/refresh`, { method: 'POST' }))
    if (isTokenStrategy(strategy) && call.ok && call.body?.accessToken) {
      setToken(strategy, { accessToken: call.body.accessToken, expiresAt: call.body.accessTokenExpiresAt, username: call.body.user.username })
    }
  })
  const logout = run(async () => {
    log('logout', await apiFetch(`/api/${strategy}/logout`, { method: 'POST', token }))
    // The browser forgets its token whatever the answer: a logout that failed (a store outage) must not leave it behind (ASVS 14.3.1).
    if (tokenStrategy) setToken(strategy, null)
    await onCheck(tokenStrategy ? null : token)
  })
  const replay = run(async () => {
    if (stolen) log('replay', await replayStolen(strategy, 'me', stolen))
  })

  const shown = calls.slice(-MAX_SHOWN).reverse()
  return (
    <section className="panel pane" data-testid={`pane-${strategy}`} aria-labelledby={`pane-${strategy}-title`} style={{ borderTopColor: STRATEGY_COLORS[strategy] }}>
      <header className="pane-header">
        <h2 id={`pane-${strategy}-title`}>
          <label>
            <span className="sr-only">Strategy of this pane</span>
            <select value={strategy} onChange={(event) => onChangeStrategy(event.target.value as StrategyName)} data-testid="pane-strategy">
              {choices.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          </label>
        </h2>
        {perAuthenticated && perAuthenticated.count > 0 && (
          <span className="pane-figure" data-testid="pane-figure" title="store round trips per authenticated request (/me, /admin, a replay, whose credential the server accepted), so far">
            <strong>{perRequest(perAuthenticated)}</strong> round trip{perRequest(perAuthenticated) === '1' ? '' : 's'} per authenticated request
          </span>
        )}
        {onRemove && (
          <button type="button" className="quiet" onClick={onRemove} aria-label={`Remove the ${strategy} pane`}>
            Remove
          </button>
        )}
      </header>
      <dl className="note">
        <dt>credential</dt>
        <dd>{note.credential}</dd>
        <dt>each request checks</dt>
        <dd>{note.checks}</dd>
        <dt>logout</dt>
        <dd>{note.logout}</dd>
      </dl>
      <WhoIsLoggedIn identity={identity} onCheck={run(() => onCheck(token))} busy={busy} tokenPerTab={!(COOKIE_STRATEGIES as readonly string[]).includes(strategy)} />
      <div className="actions" role="group" aria-label={`${strategy} actions`}>
        <label>
          user{' '}
          <select value={user} onChange={(event) => onChange({ user: event.target.value as DemoUser })} data-testid="user">
            <option value="alice">alice (user)</option>
            <option value="admin">admin (admin)</option>
          </select>
        </label>
        <button type="button" onClick={login} disabled={busy}>
          Log in
        </button>
        <span className="with-input">
          <button type="button" onClick={me} disabled={busy}>
            GET /me ×{times}
          </button>
          <label>
            <span className="sr-only">how many /me calls</span>
            <input type="number" min={1} max={50} value={times} onChange={(event) => setTimes(Math.min(50, Math.max(1, Number(event.target.value) || 1)))} data-testid="times" />
          </label>
        </span>
        <button type="button" onClick={admin} disabled={busy}>
          GET /admin
        </button>
        {isRefreshStrategy(strategy) && (
          <button type="button" onClick={refresh} disabled={busy}>
            Refresh
          </button>
        )}
        <button type="button" onClick={logout} disabled={busy}>
          Log out
        </button>
        {thief && (
          <button type="button" className="danger" onClick={replay} disabled={busy || !stolen}>
            Replay stolen credential
          </button>
        )}
        {token && (
          <Link href={inspectorHref(token)} data-testid="open-in-inspector">
            Open the token in the inspector
          </Link>
        )}
      </div>
      {thief && (
        <p className="stolen" data-testid="stolen">
          {stolen ? (
            <>
              The thief holds <code>{describeStolen(stolen)}</code>
              {stolen.expiresAt ? <>, which expires at {new Date(stolen.expiresAt).toLocaleTimeString()}.</> : '.'}{' '}
              <span className="stolen-how">
                {stolen.kind === 'bearer' && isDpopStrategy(strategy)
                  ? 'Copied from the page at login, where any script could read it; but it is bound to this browser’s key, which no script can export: the thief signs its proofs with a key of its own.'
                  : stolen.kind === 'bearer'
                  ? 'Copied from the page at login, where any script could read it.'
                  : `Taken from the traffic at login${strategy === 'jwt-cookie' ? ` to ${API_PATH_THIEF.path}: the cookie travels only under /api/jwt-cookie, where the origin plays the thief` : ''}; this page holds only a receipt, no script ever read ${stolen.cookies.length > 1 ? 'them' : 'it'}.`}{' '}
                A replay sends it from the web server, never from this browser.
              </span>
            </>
          ) : (
            'Log in: the credential is captured as a thief would capture it, for the replay.'
          )}
        </p>
      )}
      <ol className="timeline" aria-label={`${strategy} requests, newest first`} data-testid="timeline" tabIndex={0}>
        {shown.map((entry) => (
          <RequestRow key={entry.call.id} call={entry.call} label={entry.label} />
        ))}
      </ol>
    </section>
  )
}
