'use client'
import { useEffect, useRef, useState } from 'react'
import { STRATEGIES, type LoginResponse, type StrategyName } from '@lab/contracts'
import { apiFetch, capture, replayStolen, type ApiCall } from '@/lib/api'
import { announceStorePause } from '@/lib/store-events'
import { boundKeyOf } from '@/lib/jwt'
import { DEMO_USERS, SHORT_TTL_SECONDS } from '@/lib/strategies'
import {
  ASPECTS,
  asVerdictRun,
  cellsOf,
  emptyRun,
  sampleOf,
  summaryOf,
  verdictMarkdown,
  type Cell,
  type CostMeasure,
  type OutageMeasure,
  type Problem,
  type ReplicaMeasure,
  type Sample,
  type StrategyMeasures,
  type VerdictRun,
} from '@/lib/verdict'
import { ExportButtons } from '../export/export-buttons'
import type { Outcome } from '@/lib/outcome'
import { OutcomeLegend } from '../outcome'

/** Authenticated requests per strategy for the cost rows. */
const REQUESTS = 10
const REPLAY_EVERY_MS = 1000
/** A credential still let in this long past its exp (or past logout, without one) is reported as still open. */
const GIVE_UP_AFTER_MS = 5000
const PAUSE_MS = 4000
const PROBE_EVERY_MS = 500
/** A probe sent later than this before the pause ends could be answered after it: not counted as during. */
const PROBE_MARGIN_MS = 1200

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const problem = (text: string, call?: ApiCall): Problem => ({ problem: call ? `${text}: ${call.status} ${call.errorCode ?? ''}`.trim() : text })
const PHASES = ['cost', 'theft and logout', 'Redis pause', 'replicas'] as const
type Phase = (typeof PHASES)[number]

const login = (strategy: StrategyName, query = '', replica?: string) =>
  apiFetch<LoginResponse>(`/api/${strategy}/login${query}`, { method: 'POST', json: DEMO_USERS.alice, replica })

/**
 * Runs every scenario live against the real API, then states each strategy's trade-offs from this
 * run's measurements alone. Demo profile: it needs the thief, `?ttl=` logins and the Redis pause.
 */
export function VerdictRunner({ replicas }: { replicas: string[] }) {
  const [run, setRun] = useState<VerdictRun | null>(null)
  const [phase, setPhase] = useState<Phase | 'done' | null>(null)
  const [imported, setImported] = useState(false)
  const [figures, setFigures] = useState(false)
  const stopped = useRef(false)
  useEffect(
    () => () => {
      stopped.current = true
    },
    [],
  )

  const record = (strategy: StrategyName, change: Partial<StrategyMeasures>) =>
    setRun((previous) => previous && { ...previous, strategies: { ...previous.strategies, [strategy]: { ...previous.strategies[strategy], ...change } } })

  async function cost(strategy: StrategyName): Promise<CostMeasure | Problem> {
    const signedIn = await login(strategy)
    if (!signedIn.ok) return problem('login', signedIn)
    const token = signedIn.body?.accessToken ?? null
    const requests: Sample[] = []
    const zero = Date.now()
    for (let i = 0; i < REQUESTS; i++) requests.push(sampleOf(await apiFetch(`/api/${strategy}/me`, { token }), zero))
    await apiFetch(`/api/${strategy}/logout`, { method: 'POST', token })
    return { login: sampleOf(signedIn, signedIn.startedAt), requests }
  }

  /** Where the credential lives, what its thief can do with it, and what logout leaves it. */
  async function theftAndLogout(strategy: StrategyName): Promise<void> {
    const signedIn = await login(strategy, `?ttl=${SHORT_TTL_SECONDS}`)
    if (!signedIn.ok || !signedIn.body) return record(strategy, { credential: problem('login', signedIn), theft: problem('login', signedIn), revocation: problem('login', signedIn) })
    const token = signedIn.body.accessToken ?? null
    const stolen = await capture(strategy, signedIn.body)
    if (!stolen) return record(strategy, { credential: problem('the thief captured nothing'), theft: problem('nothing to replay'), revocation: problem('nothing to replay') })
    const scriptCookies = document.cookie.split(';').map((pair) => pair.split('=')[0]?.trim() ?? '')
    const taken = stolen.kind === 'cookies' ? stolen.cookies : []
    record(strategy, {
      credential: {
        bodyFields: Object.keys(signedIn.body),
        tokenLength: token?.length ?? null,
        boundToKey: token !== null && boundKeyOf(token) !== null,
        cookies: taken,
        scriptReadable: taken.map(({ name }) => name).filter((name) => scriptCookies.includes(name)),
      },
    })
    const zero = Date.now()
    const me = sampleOf(await replayStolen(strategy, 'me', stolen), zero)
    const admin = sampleOf(await replayStolen(strategy, 'admin', stolen), zero)
    record(strategy, { theft: { me, admin } })

    const logout = await apiFetch(`/api/${strategy}/logout`, { method: 'POST', token })
    const loggedOutAt = Date.now()
    if (!logout.ok) return record(strategy, { revocation: problem('logout', logout) })
    const expiresAt = stolen.expiresAt === null ? null : Date.parse(stolen.expiresAt)
    const measure = { ttlSeconds: SHORT_TTL_SECONDS, logout: sampleOf(logout, loggedOutAt), expiresInMs: expiresAt === null ? null : expiresAt - loggedOutAt, replays: [] as Sample[] }
    while (!stopped.current) {
      const replay = sampleOf(await replayStolen(strategy, 'me', stolen), loggedOutAt)
      measure.replays = [...measure.replays, replay]
      record(strategy, { revocation: { ...measure } })
      if (replay.status !== 200 || Date.now() > Math.max(loggedOutAt, expiresAt ?? 0) + GIVE_UP_AFTER_MS) return
      await sleep(REPLAY_EVERY_MS)
    }
  }

  /** Every strategy logged in, then Redis paused while each one's /me is probed, then once more after. */
  async function redisPause(): Promise<void> {
    const logins = await Promise.all(STRATEGIES.map((strategy) => login(strategy)))
    const tokens = logins.map((call) => call.body?.accessToken ?? null)
    const before = await Promise.all(STRATEGIES.map((strategy, index) => apiFetch(`/api/${strategy}/me`, { token: tokens[index] })))
    const pause = await apiFetch('/api/lab/redis/pause', { method: 'POST', json: { ms: PAUSE_MS } })
    if (!pause.ok) {
      for (const strategy of STRATEGIES) record(strategy, { redis: problem('the Redis pause was refused', pause) })
      return
    }
    const pausedAt = pause.startedAt + pause.latencyMs
    announceStorePause(PAUSE_MS)
    await Promise.all(
      STRATEGIES.map(async (strategy, index) => {
        if (!logins[index]?.ok) return record(strategy, { redis: problem('login', logins[index]) })
        const measure: OutageMeasure = { pauseMs: PAUSE_MS, before: sampleOf(before[index] as ApiCall, pausedAt), during: [], after: [] }
        while (!stopped.current && Date.now() < pausedAt + PAUSE_MS - PROBE_MARGIN_MS) {
          const probe = await apiFetch(`/api/${strategy}/me`, { token: tokens[index] })
          measure.during = [...measure.during, sampleOf(probe, pausedAt)]
          record(strategy, { redis: { ...measure } })
          await sleep(Math.max(0, PROBE_EVERY_MS - probe.latencyMs))
        }
        await sleep(Math.max(0, pausedAt + PAUSE_MS + 300 - Date.now()))
        // Back within a few tries: a store client reconnecting may need a moment.
        for (let tries = 0; tries < 4 && !stopped.current; tries++) {
          const probe = await apiFetch(`/api/${strategy}/me`, { token: tokens[index] })
          measure.after = [...measure.after, sampleOf(probe, pausedAt)]
          if (probe.ok) break
          await sleep(PROBE_EVERY_MS)
        }
        record(strategy, { redis: { ...measure } })
        await apiFetch(`/api/${strategy}/logout`, { method: 'POST', token: tokens[index] })
      }),
    )
  }

  async function hop(strategy: StrategyName, from: string, to: string): Promise<ReplicaMeasure | Problem> {
    const signedIn = await login(strategy, '', from)
    if (!signedIn.ok) return problem(`login on ${from}`, signedIn)
    const token = signedIn.body?.accessToken ?? null
    const other = await apiFetch(`/api/${strategy}/me`, { token, replica: to })
    await apiFetch(`/api/${strategy}/logout`, { method: 'POST', token, replica: from })
    return { from, to, login: sampleOf(signedIn, signedIn.startedAt), other: sampleOf(other, signedIn.startedAt) }
  }

  async function start() {
    stopped.current = false
    setImported(false)
    setRun(emptyRun(replicas))
    setPhase('cost')
    // One strategy at a time: the timings are not each other's load.
    for (const strategy of STRATEGIES) record(strategy, { cost: await cost(strategy) })
    setPhase('theft and logout')
    await Promise.all(STRATEGIES.map(theftAndLogout))
    setPhase('Redis pause')
    await redisPause()
    const [from, to] = replicas
    if (from && to) {
      setPhase('replicas')
      for (const strategy of STRATEGIES) record(strategy, { replica: await hop(strategy, from, to) })
    }
    setRun((previous) => previous && { ...previous, finishedAt: new Date().toISOString() })
    setPhase('done')
  }

  function importRun(data: unknown): string | null {
    const candidate = asVerdictRun(data)
    if (!candidate) return 'This export holds no verdict run this page can read.'
    try {
      cellsOf(candidate)
    } catch {
      return 'This verdict run is incomplete or damaged.'
    }
    setRun(candidate)
    setPhase('done')
    setImported(true)
    return null
  }

  const running = phase !== null && phase !== 'done'
  const cells = run ? cellsOf(run) : null
  return (
    <>
      <div className="actions">
        <button type="button" className="big" onClick={start} disabled={running} data-testid="run-verdict">
          {running ? 'Running…' : run ? 'Run again' : 'Run every scenario'}
        </button>
        <span className="muted" role="status" data-testid="verdict-phase" data-phase={phase ?? ''}>
          {running
            ? `${PHASES.indexOf(phase) + 1} of ${replicas.length > 1 ? PHASES.length : PHASES.length - 1}: ${phase}…`
            : phase === 'done' && run
              ? `${imported ? 'Imported: a run' : 'Measured'} on ${run.startedAt.slice(0, 19).replace('T', ' ')} UTC${imported ? '' : ', in this browser, against this lab'}.`
              : 'About 30 s: ten requests per strategy, a login captured and logged out, a 4 s Redis pause, and a hop between replicas when there are several.'}
        </span>
      </div>
      <div className="actions">
        <ExportButtons kind="verdict" data={run && !running ? run : null} markdown={() => (run ? verdictMarkdown(run) : '')} onImport={importRun} />
        <label>
          <input type="checkbox" checked={figures} onChange={(event) => setFigures(event.target.checked)} data-testid="show-figures" /> show the
          figures behind each cell
        </label>
      </div>
      <OutcomeLegend show={['safe', 'danger', 'neutral', 'unavailable', 'lost']} />
      <div className="table-scroll" role="region" aria-label="The verdict, strategy by strategy" tabIndex={0}>
        <table className={`totals verdict-table${figures ? ' with-figures' : ''}`} data-testid="verdict-table" data-finished={run?.finishedAt ? 'true' : 'false'}>
          <caption className="sr-only">Each strategy&apos;s trade-offs, measured in this run</caption>
          <thead>
            <tr>
              <th scope="col">measured</th>
              {STRATEGIES.map((strategy) => (
                <th key={strategy} scope="col">
                  {strategy}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ASPECTS.map((aspect) => (
              <tr key={aspect.key} data-testid={`aspect-${aspect.key}`}>
                <th scope="row">
                  {aspect.title}
                  <span className="verdict-how">{aspect.how}</span>
                </th>
                {cells && sameForAll(STRATEGIES.map((strategy) => cells[aspect.key][strategy])) ? (
                  <VerdictCell strategy="all" aspect={aspect.key} cell={cells[aspect.key][STRATEGIES[0]]} span={STRATEGIES.length} />
                ) : (
                  STRATEGIES.map((strategy) => <VerdictCell key={strategy} strategy={strategy} aspect={aspect.key} cell={cells?.[aspect.key][strategy] ?? null} />)
                )}
              </tr>
            ))}
            {cells && (
              <tr data-testid="aspect-summary">
                <th scope="row">In one line</th>
                {STRATEGIES.map((strategy) => (
                  <td key={strategy} data-label={strategy} data-testid={`summary-${strategy}`}>
                    {summaryOf(cells, strategy)}
                  </td>
                ))}
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </>
  )
}

/** A row this run could not measure for any strategy, for one reason, is said once across the row. */
const sameForAll = (row: Cell[]) => row.every((cell) => cell.state === 'not measured' && cell.text === row[0]?.text && cell.detail === row[0]?.detail)

/**
 * A cell in the lab's colours (lib/outcome.ts), by what its row is about: what a thief can do is
 * danger or safe; what the owner gets is neutral, lost or unavailable. Inferences stay uncoloured.
 */
function cellOutcome(aspect: string, tone: Cell['tone']): Outcome | undefined {
  if (tone === 'neutral') return undefined
  if (aspect === 'credential' || aspect === 'theft' || aspect === 'logout') return tone === 'good' ? 'safe' : 'danger'
  if (aspect === 'redis') return tone === 'good' ? 'neutral' : 'unavailable'
  if (aspect === 'replica') return tone === 'good' ? 'neutral' : 'lost'
  return undefined
}

function VerdictCell({ strategy, aspect, cell, span }: { strategy: StrategyName | 'all'; aspect: string; cell: Cell | null; span?: number }) {
  if (!cell) {
    return (
      <td data-label={strategy} data-testid={`cell-${aspect}-${strategy}`} data-state="idle" className="muted">
        –
      </td>
    )
  }
  return (
    <td
      colSpan={span}
      data-label={strategy === 'all' ? 'every strategy' : strategy}
      data-testid={`cell-${aspect}-${strategy}`}
      data-state={cell.state}
      data-tone={cell.tone}
      data-outcome={cellOutcome(aspect, cell.tone)}
      className="verdict-cell"
      title={cell.detail}
    >
      <strong className="verdict-cell-text">{cell.text}</strong>
      {cell.state !== 'measured' && cell.state !== 'pending' && <span className="tag verdict-state">{cell.state}</span>}
      <span className="verdict-cell-detail">{cell.detail}</span>
    </td>
  )
}
