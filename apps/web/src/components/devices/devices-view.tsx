'use client'
import { useEffect, useRef, useState } from 'react'
import { STRATEGIES, type LoginInfo, type LoginResponse, type SessionsResponse, type StrategyName } from '@lab/contracts'
import { apiFetch, loginElsewhere, replayStolen, type ApiCall, type StolenCookies, type StolenCredential } from '@/lib/api'
import { outcomeOf, type Actor, type Outcome } from '@/lib/outcome'
import { familyOf } from '@/lib/jwt'
import { DEMO_USERS, isDpopStrategy, isRefreshStrategy } from '@/lib/strategies'
import { OutcomeChip, OutcomeLegend } from '../outcome'
import { RequestRow } from '../request-row'
import { useBusy } from '@/lib/busy'

/** What ending one login does to the credential of that login, by design; the demo profile measures it. */
const AFTER_THE_END: Record<StrategyName, string> = {
  session: 'the session is deleted: its cookie is refused at once',
  'session-pg': 'the row is deleted: its cookie is refused at once',
  'session-cached': 'the session is deleted, but its fresh cached copy still opens the door until it goes stale',
  jwt: 'its refresh stops, but its access token works until its exp',
  'jwt-denylist': 'its refresh stops and its access token is denylisted: refused at once',
  'jwt-cookie': 'its refresh stops, but its access token (cookie at) works until its exp',
  'jwt-dpop': 'its refresh stops; its access token works until its exp, but only with the key of the device that holds it: a thief with the token alone is refused at once',
}

const REPLAY_EVERY_MS = 1000
/** A credential still accepted this long after the end (and after its exp, if any) is reported, not replayed forever. */
const GIVE_UP_AFTER_MS = 4000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * A login the thief holds: made by another device (the web server), with everything that device
 * received. Its cookies stay in the thief's pocket on the web server: the page holds receipts.
 */
interface Device {
  label: string
  /** its id in the list of logins, as the API named it when the device asked for its own */
  loginId: string | null
  /** its bearer token, or the receipt of its credential cookies */
  credential: StolenCredential
  /** the receipt of its refresh token, for the token strategies */
  refresh: StolenCookies | null
  /** when its access token or cached copy goes stale, if it has one */
  expiresAt: number | null
  endedAt: number | null
  endedBy: string | null
  checks: ApiCall[]
  refused: ApiCall | null
  refreshAfter: ApiCall | null
  watching: boolean
}

interface Logged {
  label: string
  call: ApiCall
  /** a credential used after its login ended stands where a thief would */
  actor?: Actor
}

/** An ended login's credential let in at all is the thief's success; refused from the first try, the end protected. */
const VERDICT_OUTCOME: Record<string, Outcome | undefined> = { 'refused-at-once': 'safe', 'refused-later': 'danger', accepted: 'danger' }

function verdict(device: Device, now: number): { key: string; text: string } {
  if (device.endedAt === null) return { key: 'live', text: 'logged in' }
  const { refused, checks, endedAt } = device
  if (refused) {
    const code = `${refused.status} ${refused.errorCode ?? ''}`.trim()
    return checks[0] === refused
      ? { key: 'refused-at-once', text: `refused at the first try after the end (${code})` }
      : { key: 'refused-later', text: `still accepted for ${((refused.startedAt - endedAt) / 1000).toFixed(1)} s after the end, then refused (${code})` }
  }
  if (checks.length === 0) return { key: 'pending', text: 'checking…' }
  const left = device.expiresAt === null ? null : Math.max(0, Math.ceil((device.expiresAt - now) / 1000))
  return {
    key: 'accepted',
    text: `still accepted after the end (${checks.length} × 200)${left !== null && device.watching ? `; its exp is in ${left} s` : device.watching ? '' : '; the check stopped before it was refused'}`,
  }
}

const when = (iso: string) => {
  const date = new Date(iso)
  return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString()
}

/** Logins shown before "show all": this browser's and the simulated devices' always are. */
const SHOWN_LOGINS = 6

/**
 * alice's logins under one strategy (OWASP ASVS 7.5.2): this browser's, and in the demo profile other
 * devices' made by the web server, whose credentials the lab's thief holds. End one, log out
 * everywhere, or, as admin, end every login of alice; then the thief replays each ended device's
 * credential every second, which measures what ending it changed.
 */
export function DevicesView({ thief }: { thief: boolean }) {
  const [strategy, setStrategy] = useState<StrategyName>('jwt')
  const [token, setToken] = useState<string | null>(null)
  const [logins, setLogins] = useState<LoginInfo[] | null>(null)
  const [listProblem, setListProblem] = useState<string | null>(null)
  const [devices, setDevices] = useState<Device[]>([])
  const [label, setLabel] = useState('phone')
  const [ttl, setTtl] = useState(30)
  /** this browser's /me right after its own login was ended (by "End", log out everywhere or the admin) */
  const [hereAfter, setHereAfter] = useState<{ how: string; call: ApiCall } | null>(null)
  const [log, setLog] = useState<Logged[]>([])
  const { busy, run } = useBusy()
  const [showAll, setShowAll] = useState(false)
  const [now, setNow] = useState(() => Date.now())
  const generation = useRef(0)
  const devicesRef = useRef<Device[]>([])

  const watching = devices.some((device) => device.watching)
  useEffect(() => {
    if (!watching) return
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [watching])
  useEffect(
    () => () => {
      generation.current++
    },
    [],
  )

  const record = <T,>(entryLabel: string, call: ApiCall<T>, actor?: Actor): ApiCall<T> => {
    setLog((previous) => [...previous, { label: entryLabel, call, actor }])
    return call
  }
  const updateDevice = (deviceLabel: string, change: (device: Device) => Partial<Device>) => {
    devicesRef.current = devicesRef.current.map((device) => (device.label === deviceLabel ? { ...device, ...change(device) } : device))
    setDevices(devicesRef.current)
  }

  function choose(next: StrategyName) {
    generation.current++
    devicesRef.current = []
    setStrategy(next)
    setToken(null)
    setLogins(null)
    setListProblem(null)
    setDevices([])
    setLog([])
    setHereAfter(null)
  }

  /** This browser's own credential, right after its login ended: what the strategy lets it still do. */
  async function checkHere(how: string) {
    setHereAfter({ how, call: record('this browser: /me after the end', await apiFetch(`/api/${strategy}/me`, { token }), 'attacker') })
  }

  async function list(bearer = token) {
    const call = record('this browser: list logins', await apiFetch<SessionsResponse>(`/api/${strategy}/sessions`, { token: bearer }))
    if (call.ok && call.body) {
      setLogins(call.body.sessions)
      setListProblem(null)
    } else {
      setLogins(null)
      setListProblem(`This browser cannot list alice's logins: ${call.status} ${call.errorCode ?? ''}. Log in first.`)
    }
  }

  /** Replays an ended device's credential every second until it is refused, or past its exp. */
  async function watch(deviceLabel: string, endedBy: string) {
    const current = generation.current
    const device = devicesRef.current.find((each) => each.label === deviceLabel)
    if (!device || device.endedAt !== null) return
    const endedAt = Date.now()
    updateDevice(deviceLabel, () => ({ endedAt, endedBy, watching: true, checks: [], refused: null }))
    let first = true
    while (generation.current === current) {
      const check = record(`${deviceLabel}: /me (thief)`, await replayStolen(strategy, 'me', device.credential))
      updateDevice(deviceLabel, (each) => ({ checks: [...each.checks, check], ...(check.ok ? {} : { refused: check }) }))
      if (first && device.refresh) {
        const refreshAfter = record(`${deviceLabel}: refresh (thief)`, await replayStolen(strategy, 'refresh', device.refresh))
        updateDevice(deviceLabel, () => ({ refreshAfter }))
      }
      first = false
      if (!check.ok || Date.now() > Math.max(endedAt, device.expiresAt ?? 0) + GIVE_UP_AFTER_MS) break
      await sleep(REPLAY_EVERY_MS)
    }
    if (generation.current === current) updateDevice(deviceLabel, () => ({ watching: false }))
  }

  const loginHere = run(async () => {
    const call = record('this browser: login', await apiFetch<LoginResponse>(`/api/${strategy}/login`, { method: 'POST', json: DEMO_USERS.alice }))
    const bearer = call.body?.accessToken ?? null
    setToken(bearer)
    if (call.ok) await list(bearer)
  })

  const loginDevice = run(async () => {
    const deviceLabel = devicesRef.current.some((device) => device.label === label) ? `${label} ${devicesRef.current.length + 1}` : label
    const call = record(`${deviceLabel}: login`, await loginElsewhere({ strategy, user: DEMO_USERS.alice, device: deviceLabel, ttl }))
    const credential = call.body?.credential
    if (!call.ok || !credential) return
    // The thief asks the API which of alice's logins is the device's own: the id the list shows for it.
    const own = record(`${deviceLabel}: list logins (thief)`, await replayStolen<SessionsResponse>(strategy, 'sessions', credential))
    // A DPoP thief is refused (it lacks the device's key); the token's own `sid` still names its login.
    const loginId = own.body?.sessions.find((session) => session.current)?.id ?? (credential.kind === 'bearer' && isDpopStrategy(strategy) ? familyOf(credential.token) : null)
    const expiresAt = credential.expiresAt === null ? null : Date.parse(credential.expiresAt)
    const device: Device = {
      label: deviceLabel,
      loginId,
      credential,
      refresh: call.body?.refresh ?? null,
      expiresAt,
      endedAt: null,
      endedBy: null,
      checks: [],
      refused: null,
      refreshAfter: null,
      watching: false,
    }
    devicesRef.current = [...devicesRef.current, device]
    setDevices(devicesRef.current)
    await list()
  })

  /**
   * Ending other logins asks for the password again unless this login authenticated in the last five
   * minutes (OWASP ASVS 7.5.2): when the API says so, the request goes again with alice's password.
   */
  async function reauthenticating(label: string, send: (json?: { password: string }) => Promise<ApiCall>): Promise<ApiCall> {
    const call = record(label, await send())
    if (call.errorCode !== 'REAUTHENTICATION_REQUIRED') return call
    return record(`${label}, with alice's password again`, await send({ password: DEMO_USERS.alice.password }))
  }

  const end = (login: LoginInfo) =>
    run(async () => {
      const path = `/api/${strategy}/sessions/${encodeURIComponent(login.id)}` as const
      const call = await reauthenticating('this browser: end a login', (json) => apiFetch(path, { method: 'DELETE', token, json }))
      const device = devicesRef.current.find((each) => each.loginId === login.id)
      if (call.ok && login.current) await checkHere('its login ended from the list')
      await list()
      if (call.ok && device) await watch(device.label, 'from this browser’s list')
    })()

  const logoutAll = run(async () => {
    const call = await reauthenticating('this browser: log out everywhere', (json) => apiFetch(`/api/${strategy}/logout-all`, { method: 'POST', token, json }))
    if (call.ok) await checkHere('log out everywhere')
    await list()
    if (call.ok) await Promise.all(devicesRef.current.map((device) => watch(device.label, 'log out everywhere')))
  })

  const adminEndAll = run(async () => {
    // The admin is another person: a bearer login that neither sends nor keeps this browser's cookies.
    const login = record('admin: login (jwt)', await apiFetch<LoginResponse>('/api/jwt/login', { method: 'POST', json: DEMO_USERS.admin, credentials: 'omit' }))
    const bearer = login.body?.accessToken
    if (!bearer) return
    const call = record('admin: end every login of alice', await apiFetch('/api/jwt/users/alice/sessions', { method: 'DELETE', token: bearer, credentials: 'omit' }))
    if (call.ok) await checkHere('the admin ended every login of alice')
    await list()
    if (call.ok) await Promise.all(devicesRef.current.map((device) => watch(device.label, 'the admin')))
  })

  const deviceOf = (login: LoginInfo) => devices.find((device) => device.loginId === login.id)
  // This browser's first, then the devices of this page, then everyone else's, most recently seen first.
  const rank = (login: LoginInfo) => (login.current ? 0 : deviceOf(login) ? 1 : 2)
  const ordered = (logins ?? []).slice().sort((a, b) => rank(a) - rank(b) || b.lastSeenAt.localeCompare(a.lastSeenAt))
  const listed = showAll ? ordered : ordered.filter((login, index) => rank(login) < 2 || index < SHOWN_LOGINS)
  const shown = log.slice(-40).reverse()

  return (
    <>
      <div className="pane-controls">
        <label>
          Strategy{' '}
          <select value={strategy} onChange={(event) => choose(event.target.value as StrategyName)} data-testid="devices-strategy">
            {STRATEGIES.map((choice) => (
              <option key={choice} value={choice}>
                {choice}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="after-the-end">
          Ending a login: {AFTER_THE_END[strategy]}.
        </span>
      </div>

      <div className="panes devices-panes">
        <section className="panel" aria-labelledby="this-browser">
          <h2 id="this-browser">This browser</h2>
          <p className="muted">alice, logged in here. The list below is what the API answers this browser.</p>
          <div className="actions">
            <button type="button" onClick={loginHere} disabled={busy} data-testid="login-here">
              Log in as alice
            </button>
            <button type="button" className="quiet" onClick={run(() => list())} disabled={busy} data-testid="list">
              Refresh the list
            </button>
            <button type="button" onClick={logoutAll} disabled={busy} data-testid="logout-all">
              Log out everywhere
            </button>
          </div>
          {hereAfter && (
            <p data-testid="here-after" data-status={hereAfter.call.status} data-code={hereAfter.call.errorCode ?? ''}>
              After {hereAfter.how}, this browser&apos;s own {token ? 'access token' : 'cookies'} on <code>/me</code>:{' '}
              <OutcomeChip outcome={outcomeOf(hereAfter.call.status, 'attacker')}>{hereAfter.call.status || 'no answer'}</OutcomeChip> {hereAfter.call.errorCode}
              {hereAfter.call.ok && <span className="muted"> (still accepted)</span>}
            </p>
          )}
        </section>

        {thief ? (
          <section className="panel" aria-labelledby="other-devices">
            <h2 id="other-devices">Another device</h2>
            <p className="muted">
              The web server logs alice in as another device would, with the name below as its User-Agent. The lab&apos;s thief
              keeps everything that device received, and replays it from the web server once its login is ended.
            </p>
            <div className="actions">
              <label>
                device{' '}
                <input value={label} maxLength={40} onChange={(event) => setLabel(event.target.value)} data-testid="device-label" className="device-label" />
              </label>
              <label>
                its access token / cached copy lives{' '}
                <input type="number" min={3} max={600} value={ttl} onChange={(event) => setTtl(Math.min(600, Math.max(3, Number(event.target.value) || 3)))} data-testid="device-ttl" /> s
              </label>
              <button type="button" onClick={loginDevice} disabled={busy || !/^[\w .-]{1,40}$/.test(label)} data-testid="login-device">
                Log in on that device
              </button>
            </div>
            {devices.length > 0 && (
              <ul className="devices" aria-live="polite" data-testid="devices-result">
                {devices.map((device) => {
                  const { key, text } = verdict(device, now)
                  return (
                    <li key={device.label} data-testid={`device-${device.label}`} data-verdict={key} data-code={device.refused?.errorCode ?? ''}>
                      <strong>{device.label}</strong>
                      {device.endedBy && <span className="muted"> · ended: {device.endedBy}</span>}
                      <div className="verdict" data-outcome={VERDICT_OUTCOME[key]} data-testid="device-verdict">
                        {text}
                      </div>
                      {device.checks.length > 0 && (
                        <ol className="ticks" aria-label={`${device.label}: the thief's /me after the end`}>
                          {device.checks.map((check) => (
                            <li key={check.id} title={`${check.status} ${check.errorCode ?? ''}`} data-testid="device-check">
                              <OutcomeChip outcome={outcomeOf(check.status, 'attacker')}>{check.status || 'no answer'}</OutcomeChip>
                            </li>
                          ))}
                        </ol>
                      )}
                      {device.refreshAfter && (
                        <div className="muted" data-testid="device-refresh">
                          its refresh after the end:{' '}
                          <OutcomeChip outcome={outcomeOf(device.refreshAfter.status, 'attacker')}>{device.refreshAfter.status || 'no answer'}</OutcomeChip>{' '}
                          {device.refreshAfter.errorCode}
                        </div>
                      )}
                    </li>
                  )
                })}
              </ul>
            )}
          </section>
        ) : (
          <section className="panel" aria-labelledby="other-devices">
            <h2 id="other-devices">Other devices</h2>
            <p className="muted" data-testid="no-thief">
              Log in as alice from another browser or phone and it appears below. What an ended login&apos;s credential still does
              is measured by the lab&apos;s thief, which holds a device&apos;s credential and exists in the demo profile only
              (<code>pnpm demo</code>); here the view says what the strategy does by design.
            </p>
          </section>
        )}

        <section className="panel" aria-labelledby="admin">
          <h2 id="admin">Admin</h2>
          <p className="muted">
            The admin, in another browser (a <code>jwt</code> login that does not touch this browser&apos;s cookies), ends every
            login of alice under every strategy at once (OWASP ASVS 7.4.5).
          </p>
          <div className="actions">
            <button type="button" onClick={adminEndAll} disabled={busy} data-testid="admin-end-all">
              As admin: end every login of alice
            </button>
          </div>
        </section>
      </div>

      <section className="panel" aria-labelledby="logins">
        <h2 id="logins">alice&apos;s logins under {strategy}</h2>
        <p className="muted">
          {isRefreshStrategy(strategy) ? 'A login is a refresh family: it lives while its refresh token is rotated.' : 'A login is a session in the store.'} Everyone
          using this lab as alice shares her logins: in a classroom the list holds theirs too, and &ldquo;log out everywhere&rdquo; ends theirs.
          Ending other logins needs a login of the last five minutes, or the password again (ASVS 7.5.2): the API asks, and
          the view answers with alice&apos;s.
        </p>
        {listProblem && (
          <p className="problem" data-testid="list-problem">
            {listProblem}
          </p>
        )}
        {logins && logins.length === 0 && <p data-testid="no-logins">No active login.</p>}
        {logins && logins.length > 0 && (
          <div className="table-scroll" role="region" aria-label={`alice's logins under ${strategy}`} tabIndex={0}>
            <table className="totals logins" data-testid="logins">
              <thead>
                <tr>
                  <th scope="col">device (User-Agent)</th>
                  <th scope="col">since</th>
                  <th scope="col">last seen</th>
                  <th scope="col">
                    <span className="sr-only">end it</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {listed.map((login) => (
                  <tr key={login.id} data-testid="login" data-current={login.current} data-device={deviceOf(login)?.label ?? ''}>
                    <td className="user-agent">
                      {login.current && <span className="tag tag-current">this browser</span>} {login.userAgent ?? 'unknown'}
                    </td>
                    <td data-label="since">{when(login.createdAt)}</td>
                    <td data-label="last seen">{when(login.lastSeenAt)}</td>
                    <td>
                      <button type="button" className="quiet" onClick={() => void end(login)} disabled={busy} data-testid="end-login">
                        End
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {listed.length < ordered.length && (
              <button type="button" className="quiet" onClick={() => setShowAll(true)} data-testid="show-all">
                Show all {ordered.length} logins
              </button>
            )}
          </div>
        )}
      </section>

      <section className="panel" aria-labelledby="device-requests">
        <h2 id="device-requests">Requests, newest first</h2>
        <OutcomeLegend show={['neutral', 'safe', 'danger']} />
        <ol className="timeline" aria-label="Requests, newest first" data-testid="timeline" tabIndex={0}>
          {shown.map((entry) => (
            <RequestRow key={entry.call.id} call={entry.call} label={entry.label} actor={entry.actor} />
          ))}
        </ol>
      </section>
    </>
  )
}
