'use client'
import { useEffect, useRef, useState } from 'react'
import { STRATEGIES, type LoginResponse, type StrategyName } from '@lab/contracts'
import { apiFetch, capture, replayStolen, type ApiCall } from '@/lib/api'
import { outcomeOf, type Outcome } from '@/lib/outcome'
import { DEMO_USERS, SHORT_TTL_SECONDS, STRATEGY_NOTES } from '@/lib/strategies'
import { ExportButtons } from '../export/export-buttons'
import { OutcomeChip, OutcomeLegend } from '../outcome'
import { REVOCATION_SCHEMA, asRevocationExport, revocationMarkdown } from './revocation-export'

type Phase = 'idle' | 'logging in' | 'logging out' | 'replaying' | 'done' | 'failed'

interface Row {
  phase: Phase
  login: ApiCall | null
  logout: ApiCall | null
  replays: ApiCall[]
  loggedOutAt: number | null
  /** when the stolen credential itself says it ends (a token's or a cached copy's `exp`); null when it carries none */
  expiresAt: number | null
  rejected: ApiCall | null
  problem: string | null
}

const IDLE: Row = { phase: 'idle', login: null, logout: null, replays: [], loggedOutAt: null, expiresAt: null, rejected: null, problem: null }
const REPLAY_EVERY_MS = 1000
/** A credential still accepted this long after logout (and after its exp, if any) is reported, not replayed forever. */
const GIVE_UP_AFTER_MS = 5000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** The verdict, and its colour: a thief let in at all is danger, even once refused later; a refusal from the first replay is safe. */
function verdict(row: Row): { key: string; text: string; outcome: Outcome | null } {
  if (row.problem) return { key: 'failed', text: row.problem, outcome: 'unavailable' }
  if (row.rejected && row.loggedOutAt !== null) {
    const first = row.replays[0] === row.rejected
    const code = `${row.rejected.status} ${row.rejected.errorCode ?? ''}`.trim()
    return first
      ? { key: 'rejected-immediately', text: `Refused at once (${code})`, outcome: 'safe' }
      : { key: 'rejected-later', text: `The thief got in until the credential's exp, then refused (${code})`, outcome: 'danger' }
  }
  if (row.replays.length > 0) {
    const still = `Still accepted after logout (${row.replays.length} replay${row.replays.length === 1 ? '' : 's'} answered 200)`
    if (row.phase === 'done') return { key: 'accepted', text: `${still}; the run stopped before it was refused`, outcome: 'danger' }
    return { key: 'accepted', text: row.expiresAt === null ? still : `${still}; its exp passes in`, outcome: 'danger' }
  }
  return { key: 'pending', text: row.phase === 'idle' ? '–' : `${row.phase}…`, outcome: null }
}

/** Consecutive replays with the same answer, as one chip with a count: a two-minute window stays one line. */
function runs(replays: ApiCall[]): Array<{ first: ApiCall; count: number }> {
  const grouped: Array<{ first: ApiCall; count: number }> = []
  for (const replay of replays) {
    const last = grouped.at(-1)
    if (last && last.first.status === replay.status && last.first.errorCode === replay.errorCode) last.count++
    else grouped.push({ first: replay, count: 1 })
  }
  return grouped
}

/**
 * The window a stolen credential stayed open after logout, as the replays measured it: from logout to
 * the last replay answered 200 (null: none was), and to the first refused.
 */
function measuredWindow(row: Row): { lastAcceptedMs: number | null; refusedMs: number | null } | null {
  if (row.loggedOutAt === null || row.replays.length === 0) return null
  const loggedOutAt = row.loggedOutAt
  const accepted = row.replays.filter((replay) => replay.ok).at(-1)
  return {
    lastAcceptedMs: accepted ? accepted.startedAt - loggedOutAt : null,
    refusedMs: row.rejected ? row.rejected.startedAt - loggedOutAt : null,
  }
}

function WindowCell({ row }: { row: Row }) {
  const window = measuredWindow(row)
  if (!window) return null
  const { lastAcceptedMs, refusedMs } = window
  const bound = row.expiresAt !== null && row.loggedOutAt !== null ? row.expiresAt - row.loggedOutAt : null
  return (
    <span data-testid="window" data-last-accepted-ms={lastAcceptedMs ?? ''} data-refused-ms={refusedMs ?? ''} data-bound-ms={bound ?? ''}>
      <strong className="window-figure">
        {lastAcceptedMs === null ? '0 s' : refusedMs === null ? `≥ ${seconds(lastAcceptedMs)}` : `${seconds(lastAcceptedMs)}–${seconds(refusedMs)}`}
      </strong>
      <span className="muted window-detail">
        {lastAcceptedMs === null
          ? 'the first replay was refused'
          : refusedMs === null
            ? 'still open'
            : 'from the last 200 to the first refusal'}
        {bound !== null && lastAcceptedMs !== null && `; its exp: ${seconds(bound)} after logout`}
      </span>
    </span>
  )
}

/**
 * Log in → capture → log out → replay every second, for every strategy at once. The capture and the
 * replay are the lab's thief (app/(demo)/attacker): without it (`thief` false, production) the table
 * says what each logout revokes and the run is not offered. The short story logs in with `?ttl=`, a
 * demo-profile option, so every short-lived credential (access token, cached copy) ends within it.
 */
export function RevocationRunner({ thief }: { thief: boolean }) {
  const [rows, setRows] = useState<Record<StrategyName, Row>>(() => Object.fromEntries(STRATEGIES.map((s) => [s, IDLE])) as Record<StrategyName, Row>)
  const [running, setRunning] = useState(false)
  // A room waits 15 s, not ACCESS_TOKEN_TTL (2 min by default): the short story is where a run starts.
  const [short, setShort] = useState(true)
  const [now, setNow] = useState(() => Date.now())
  const stopped = useRef(false)

  useEffect(() => {
    if (!running) return
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [running])
  useEffect(
    () => () => {
      stopped.current = true
    },
    [],
  )

  const exportLine = (strategy: StrategyName) => {
    const row = rows[strategy]
    const window = measuredWindow(row)
    return {
      logout: STRATEGY_NOTES[strategy].logout,
      replays: row.replays.map((replay) => `${replay.status}${replay.errorCode ? ` ${replay.errorCode}` : ''}`).join(', ') || '–',
      window: !window ? '–' : window.lastAcceptedMs === null ? '0 s' : window.refusedMs === null ? `≥ ${seconds(window.lastAcceptedMs)}` : `${seconds(window.lastAcceptedMs)}–${seconds(window.refusedMs)}`,
      verdict: verdict(row).text,
    }
  }
  const importRun = (data: unknown) => {
    const imported = asRevocationExport(data)
    if (!imported) return 'This export holds no revocation run this page can read.'
    // A refusal is one of the replays (the verdict compares them by identity), which JSON does not keep.
    const restored = Object.fromEntries(
      STRATEGIES.map((strategy) => {
        const row = imported.rows[strategy] as unknown as Row
        return [strategy, { ...row, rejected: row.replays.find((replay) => replay.id === row.rejected?.id) ?? null }]
      }),
    ) as Record<StrategyName, Row>
    setRows(restored)
    setShort(imported.short)
    return null
  }

  const update = (strategy: StrategyName, change: Partial<Row>) => setRows((previous) => ({ ...previous, [strategy]: { ...previous[strategy], ...change } }))

  async function scenario(strategy: StrategyName, ttl: number | null) {
    update(strategy, { ...IDLE, phase: 'logging in' })
    const login = await apiFetch<LoginResponse>(`/api/${strategy}/login${ttl === null ? '' : `?ttl=${ttl}`}`, { method: 'POST', json: DEMO_USERS.alice })
    update(strategy, { login })
    if (!login.ok || !login.body) return update(strategy, { phase: 'failed', problem: `Login failed: ${login.status} ${login.errorCode ?? ''}` })
    const token = login.body.accessToken ?? null
    const stolen = await capture(strategy, login.body)
    if (!stolen) return update(strategy, { phase: 'failed', problem: 'Nothing to capture after login' })
    const expiresAt = stolen.expiresAt === null ? null : Date.parse(stolen.expiresAt)

    update(strategy, { phase: 'logging out', expiresAt })
    const logout = await apiFetch(`/api/${strategy}/logout`, { method: 'POST', token })
    const loggedOutAt = Date.now()
    update(strategy, { logout, loggedOutAt, phase: 'replaying' })
    if (!logout.ok) return update(strategy, { phase: 'failed', problem: `Logout failed: ${logout.status} ${logout.errorCode ?? ''}` })

    const replays: ApiCall[] = []
    while (!stopped.current) {
      const replay = await replayStolen(strategy, 'me', stolen)
      replays.push(replay)
      update(strategy, { replays: [...replays] })
      if (!replay.ok) return update(strategy, { rejected: replay, phase: 'done' })
      if (Date.now() > Math.max(loggedOutAt, expiresAt ?? 0) + GIVE_UP_AFTER_MS) break
      await sleep(REPLAY_EVERY_MS)
    }
    update(strategy, { phase: 'done' })
  }

  async function run() {
    stopped.current = false
    setRunning(true)
    try {
      await Promise.all(STRATEGIES.map((strategy) => scenario(strategy, short ? SHORT_TTL_SECONDS : null)))
    } finally {
      setRunning(false)
      setNow(Date.now())
    }
  }

  return (
    <>
      {thief ? (
        <div className="actions">
          <button type="button" className="big" onClick={run} disabled={running} data-testid="run-revocation">
            {running ? 'Running…' : 'Run: log in, capture, log out, replay'}
          </button>
          <label title={`POST /api/:strategy/login?ttl=${SHORT_TTL_SECONDS}, a demo-profile option`}>
            <input type="checkbox" checked={short} onChange={(event) => setShort(event.target.checked)} disabled={running} data-testid="short-story" /> short
            story: access tokens and cached copies live {SHORT_TTL_SECONDS} s
          </label>
          {running && (
            <button type="button" className="quiet" onClick={() => (stopped.current = true)}>
              Stop replaying
            </button>
          )}
        </div>
      ) : (
        <p className="problem" data-testid="no-thief">
          The run replays a stolen credential from the web server, the lab&apos;s thief, which exists in the demo profile only:
          start the lab with <code>pnpm demo</code> to run it.
        </p>
      )}
      <OutcomeLegend show={['danger', 'safe', 'neutral']} />
      <div className="table-scroll" role="region" aria-label="What each logout revoked" tabIndex={0}>
        <table className="totals revocation" aria-live="polite" data-testid="revocation-result">
          <thead>
            <tr>
              <th scope="col">strategy: logout revokes</th>
              <th scope="col">the thief&apos;s replays, one a second</th>
              <th scope="col">window, measured</th>
              <th scope="col">verdict</th>
            </tr>
          </thead>
          <tbody>
            {STRATEGIES.map((strategy) => {
              const row = rows[strategy]
              const { key, text, outcome } = verdict(row)
              const current = row.phase !== 'idle' && row.phase !== 'done' && row.phase !== 'failed'
              return (
                <tr
                  key={strategy}
                  className={current ? 'current' : undefined}
                  data-testid={`revocation-${strategy}`}
                  data-verdict={key}
                  data-code={row.rejected?.errorCode ?? ''}
                >
                  <th scope="row">
                    <span className="nowrap">{strategy}</span>
                    <span className="muted revocation-note">{STRATEGY_NOTES[strategy].logout}</span>
                  </th>
                  <td data-label="replays after logout">
                    <div className="revocation-replays">
                      {(row.login || row.logout) && (
                        <span className="muted revocation-steps">
                          {row.login && (
                            <>
                              login <OutcomeChip outcome={outcomeOf(row.login.status, 'owner')}>{row.login.status}</OutcomeChip>
                            </>
                          )}{' '}
                          {row.logout && (
                            <>
                              logout <OutcomeChip outcome={outcomeOf(row.logout.status, 'owner')}>{row.logout.status}</OutcomeChip>
                            </>
                          )}
                        </span>
                      )}
                      <ol className="ticks" aria-label={`${strategy} replays`}>
                        {runs(row.replays).map(({ first, count }) => (
                          <li key={first.id} data-testid="replay" data-count={count}>
                            <OutcomeChip outcome={outcomeOf(first.status, 'attacker')} title={`${count} replay${count === 1 ? '' : 's'}: ${first.status} ${first.errorCode ?? ''}`}>
                              {first.status}
                              {count > 1 && <span className="run-count"> ×{count}</span>}
                            </OutcomeChip>
                          </li>
                        ))}
                      </ol>
                    </div>
                  </td>
                  <td data-label="window after logout">
                    <WindowCell row={row} />
                  </td>
                  <td data-label="verdict" className="verdict" data-outcome={outcome ?? undefined} data-testid="verdict">
                    {text}
                    {key === 'accepted' && row.expiresAt !== null && row.phase === 'replaying' && (
                      <span className="countdown" data-testid="countdown">
                        {Math.max(0, Math.ceil((row.expiresAt - now) / 1000))} s
                      </span>
                    )}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <ExportButtons
        kind="revocation"
        data={running || STRATEGIES.every((strategy) => rows[strategy].phase === 'idle') ? null : { schema: REVOCATION_SCHEMA, short, rows }}
        markdown={() => revocationMarkdown(short, exportLine)}
        onImport={importRun}
      />
    </>
  )
}
