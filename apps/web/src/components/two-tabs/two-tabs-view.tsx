'use client'
import { useEffect, useRef, useState } from 'react'
import { REFRESH_STRATEGIES, type LoginResponse, type RefreshResponse } from '@lab/contracts'
import { apiFetch, loginElsewhere, replayStolen, type ApiCall } from '@/lib/api'
import { decodeToken } from '@/lib/jwt'
import { DEMO_USERS, isDpopStrategy } from '@/lib/strategies'
import type { Outcome } from '@/lib/outcome'
import { OutcomeChip, OutcomeLegend } from '../outcome'
import { RequestRow } from '../request-row'

type RefreshStrategy = (typeof REFRESH_STRATEGIES)[number]
type TabName = 'A' | 'B'
type Scenario = 'strict' | 'grace' | 'reuse'

interface Entry {
  label: string
  call: ApiCall
}

interface Tab {
  /** its access token, for the bearer strategies (jwt-cookie's is in a cookie no script can read) */
  token: string | null
  /** the refresh family its latest token names: one login, whatever the token */
  family: string | null
  /** whether its latest refresh was accepted; null before any */
  in: boolean | null
  log: Entry[]
}

const FRESH: Tab = { token: null, family: null, in: null, log: [] }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function familyOf(token: string | null | undefined): string | null {
  if (!token) return null
  const decoded = decodeToken(token)
  return 'payload' in decoded && typeof decoded.payload.sid === 'string' ? decoded.payload.sid : null
}

const VERDICTS: Record<Scenario, Record<'expected' | 'other', string>> = {
  strict: {
    expected: 'Strict reuse detection: the tab that lost the race presented a rotated token, so the API revoked the whole login. Both tabs are logged out.',
    other: 'Not the textbook outcome: see each tab’s answers below.',
  },
  grace: {
    expected: 'With the grace: the tab that lost the race got the same successor, so the login lives on in both tabs.',
    other: 'Not the textbook outcome: see each tab’s answers below.',
  },
  reuse: {
    expected: 'A real reuse after the grace: the old token came back from elsewhere, the API revoked the login, and both tabs are out.',
    other: 'The thief presented the old token within the grace and was handed the successor: the price of a grace. Wait longer to see the revocation.',
  },
}

/** What each result means for the owner: logged out by a race is the owner turned away; a thief handed the successor got in. */
const MEANINGS: Record<Scenario, Record<'expected' | 'other', Outcome | null>> = {
  strict: { expected: 'lost', other: null },
  grace: { expected: 'neutral', other: null },
  reuse: { expected: 'safe', other: 'danger' },
}

/**
 * Two tabs of one browser (one cookie jar, so one refresh token) refreshing the same login at the
 * same moment, on the real API: with strict reuse detection (`?grace=0`, demo only) and with
 * REFRESH_REUSE_GRACE; then a real reuse after the grace, by a thief who copied the login's response.
 */
export function TwoTabsView() {
  const [strategy, setStrategy] = useState<RefreshStrategy>('jwt')
  const [tabs, setTabs] = useState<Record<TabName, Tab>>({ A: FRESH, B: FRESH })
  const [thiefLog, setThiefLog] = useState<Entry[]>([])
  const [scenario, setScenario] = useState<Scenario | null>(null)
  const [outcome, setOutcome] = useState<'expected' | 'other' | null>(null)
  const [busy, setBusy] = useState(false)
  const [delay, setDelay] = useState(12)
  const [rotatedAt, setRotatedAt] = useState<number | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const tabsRef = useRef(tabs)
  const alive = useRef(true)

  useEffect(() => {
    if (rotatedAt === null || !busy) return
    const timer = setInterval(() => setNow(Date.now()), 200)
    return () => clearInterval(timer)
  }, [rotatedAt, busy])
  useEffect(
    () => () => {
      alive.current = false
    },
    [],
  )

  const update = (name: TabName, change: (tab: Tab) => Partial<Tab>) => {
    tabsRef.current = { ...tabsRef.current, [name]: { ...tabsRef.current[name], ...change(tabsRef.current[name]) } }
    setTabs(tabsRef.current)
  }
  const log = (name: TabName, label: string, call: ApiCall) => update(name, (tab) => ({ log: [...tab.log, { label, call }] }))

  async function refresh(name: TabName, label: string, strict = false): Promise<ApiCall<RefreshResponse>> {
    const call = await apiFetch<RefreshResponse>(`/api/${strategy}/refresh${strict ? '?grace=0' : ''}`, { method: 'POST' })
    log(name, label, call)
    update(name, (tab) => ({ in: call.ok, ...(call.ok && { token: call.body?.accessToken ?? null, family: familyOf(call.body?.accessToken) ?? tab.family }) }))
    return call
  }
  async function me(name: TabName) {
    log(name, '/me with its token', await apiFetch(`/api/${strategy}/me`, { token: tabsRef.current[name].token }))
  }
  /** Both tabs take the login: one browser, one cookie jar, one refresh token. */
  function share(login: ApiCall<LoginResponse>) {
    const token = login.body?.accessToken ?? null
    for (const name of ['A', 'B'] as const) update(name, () => ({ token, family: familyOf(token), in: login.ok }))
  }

  function start(next: Scenario) {
    tabsRef.current = { A: FRESH, B: FRESH }
    setTabs(tabsRef.current)
    setThiefLog([])
    setScenario(next)
    setOutcome(null)
    setRotatedAt(null)
  }

  const run = (next: Scenario, action: () => Promise<boolean>) => async () => {
    start(next)
    setBusy(true)
    try {
      const expected = await action()
      if (alive.current) setOutcome(expected ? 'expected' : 'other')
    } finally {
      setBusy(false)
    }
  }

  /** Log in, then both tabs refresh at once: two requests sent in the same tick carry the same cookie. */
  const race = (strict: boolean) =>
    run(strict ? 'strict' : 'grace', async () => {
      const login = await apiFetch<LoginResponse>(`/api/${strategy}/login`, { method: 'POST', json: DEMO_USERS.alice })
      log('A', 'login (both tabs share it)', login)
      share(login)
      if (!login.ok) return false
      const label = strict ? 'refresh ?grace=0, at once' : 'refresh, at once'
      const [a, b] = await Promise.all([refresh('A', label, strict), refresh('B', label, strict)])
      // Later, each tab needs a new access token again: is the login still there?
      const nextA = await refresh('A', 'next refresh, later')
      const nextB = await refresh('B', 'next refresh, later')
      await me('A')
      await me('B')
      if (strict) return [a, b].filter((call) => call.ok).length === 1 && !nextA.ok && !nextB.ok
      return a.ok && b.ok && nextA.ok && nextB.ok
    })

  const reuse = run('reuse', async () => {
    // A clean start: this browser's previous login ends, so the only one is the login below.
    log('A', 'logout (a clean start)', await apiFetch(`/api/${strategy}/logout`, { method: 'POST', token: tabsRef.current.A.token }))
    const login = await loginElsewhere({ strategy, user: DEMO_USERS.alice, share: true })
    setThiefLog((previous) => [...previous, { label: 'copies the login’s response', call: login }])
    const loginCall = { ...login, body: login.body?.login ?? null } as ApiCall<LoginResponse>
    log('A', 'login (both tabs share it; the thief keeps a copy)', loginCall)
    share(loginCall)
    // The thief's copy of the refresh token stays in its pocket on the web server: the page holds its receipt.
    const copied = login.body?.refresh
    if (!login.ok || !copied) return false
    const rotation = await refresh('A', 'refresh (rotates the token the thief copied)')
    if (!rotation.ok) return false
    const at = Date.now()
    setRotatedAt(at)
    while (alive.current && Date.now() < at + delay * 1000) await sleep(100)
    const replay = await replayStolen(strategy, 'refresh', copied)
    setThiefLog((previous) => [...previous, { label: `presents the copied refresh token, ${((replay.startedAt - at) / 1000).toFixed(1)} s after its rotation`, call: replay }])
    const nextA = await refresh('A', 'next refresh')
    const nextB = await refresh('B', 'next refresh')
    await me('A')
    await me('B')
    return replay.status === 401 && replay.errorCode === 'AUTH_REVOKED' && !nextA.ok && !nextB.ok
  })

  const sinceRotation = rotatedAt === null ? null : Math.max(0, (now - rotatedAt) / 1000)
  const bothFamily = tabs.A.family !== null && tabs.A.family === tabs.B.family

  return (
    <>
      <div className="pane-controls">
        <label>
          Strategy{' '}
          <select value={strategy} onChange={(event) => setStrategy(event.target.value as RefreshStrategy)} disabled={busy} data-testid="two-tabs-strategy">
            {/* jwt-dpop's login is bound to this browser's key, which the thief's shared copy of the login cannot carry. */}
            {REFRESH_STRATEGIES.filter((choice) => !isDpopStrategy(choice)).map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="scenarios">
        <div className="panel scenario">
          <h2>1. Strict</h2>
          <p className="muted">
            Log in, then both tabs refresh at the same moment with <code>?grace=0</code> (strict reuse detection, a demo-only option).
          </p>
          <button type="button" onClick={race(true)} disabled={busy} data-testid="race-strict">
            Both tabs refresh at once, strict
          </button>
        </div>
        <div className="panel scenario">
          <h2>2. With the grace</h2>
          <p className="muted">
            The same race with <code>REFRESH_REUSE_GRACE</code> (10 s unless the API was started with another value).
          </p>
          <button type="button" onClick={race(false)} disabled={busy} data-testid="race-grace">
            Both tabs refresh at once, with the grace
          </button>
        </div>
        <div className="panel scenario">
          <h2>3. A real reuse</h2>
          <p className="muted">
            A thief copies the login&apos;s response (its refresh token), tab A refreshes, and the thief presents the old token{' '}
            <label>
              <input type="number" min={0} max={60} value={delay} onChange={(event) => setDelay(Math.min(60, Math.max(0, Number(event.target.value) || 0)))} data-testid="reuse-delay" />
              <span className="sr-only">seconds</span>
            </label>{' '}
            s after that rotation.
          </p>
          <button type="button" className="danger" onClick={reuse} disabled={busy} data-testid="race-reuse">
            Rotate, wait, replay the old token
          </button>
        </div>
      </div>

      {scenario && (
        <p
          className="verdict-line"
          aria-live="polite"
          data-testid="two-tabs-verdict"
          data-scenario={scenario}
          data-result={outcome ?? ''}
          data-outcome={(outcome && MEANINGS[scenario][outcome]) ?? undefined}
        >
          {outcome ? VERDICTS[scenario][outcome] : scenario === 'reuse' && sinceRotation !== null ? `${sinceRotation.toFixed(1)} s since the rotation…` : 'Running…'}
        </p>
      )}
      {outcome === 'expected' && scenario !== 'grace' && strategy !== 'jwt-denylist' && (
        <p className="muted" data-testid="logged-out-note">
          Logged out means no refresh: with <code>{strategy}</code> the access token each tab still holds works until its exp, as
          its <code>/me</code> shows (<code>jwt-denylist</code> refuses it at once).
        </p>
      )}
      {strategy !== 'jwt-cookie' && tabs.A.family && tabs.B.family && (
        <p className="muted" data-testid="families" data-same={bothFamily}>
          Their latest access tokens name {bothFamily ? 'the same login' : 'two different logins'}: family <code>{tabs.A.family.slice(0, 8)}</code>
          {bothFamily ? '' : <> and <code>{tabs.B.family.slice(0, 8)}</code></>}.
        </p>
      )}

      <OutcomeLegend show={['neutral', 'safe', 'lost', 'danger']} />
      <div className="panes">
        {(['A', 'B'] as const).map((name) => {
          const tab = tabs[name]
          return (
            <section key={name} className="panel pane tab-pane" data-testid={`tab-${name}`} data-in={tab.in === null ? '' : String(tab.in)} aria-labelledby={`tab-${name}-title`}>
              <header className="pane-header">
                <h2 id={`tab-${name}-title`}>Tab {name}</h2>
                <span data-testid="tab-state">
                  {tab.in === null ? (
                    <span className="muted">no login yet</span>
                  ) : (
                    <OutcomeChip outcome={tab.in ? 'neutral' : 'lost'}>{tab.in ? 'logged in' : 'logged out'}</OutcomeChip>
                  )}
                </span>
              </header>
              <ol className="timeline" aria-label={`tab ${name} requests, in order`}>
                {tab.log.map((entry) => (
                  <RequestRow
                    key={entry.call.id}
                    call={entry.call}
                    label={entry.label}
                    // a strict race's refusals turn the owner away; after a real reuse they protect
                    meaning={scenario === 'strict' && entry.call.status >= 400 && entry.call.status < 500 ? 'lost' : undefined}
                  />
                ))}
              </ol>
            </section>
          )
        })}
      </div>
      {thiefLog.length > 0 && (
        <section className="panel" aria-labelledby="thief-title" data-testid="thief">
          <h2 id="thief-title">The thief (the web server)</h2>
          <ol className="timeline">
            {thiefLog.map((entry) => (
              <RequestRow key={entry.call.id} call={entry.call} label={entry.label} />
            ))}
          </ol>
        </section>
      )}
    </>
  )
}
