'use client'
import { useEffect, useRef, useState } from 'react'
import { STRATEGIES, type LoginResponse, type RefreshResponse, type StrategyName } from '@lab/contracts'
import { apiFetch, type ApiCall } from '@/lib/api'
import { announceStorePause } from '@/lib/store-events'
import { formatMs, measure } from '@/lib/round-trips'
import { outcomeClass, outcomeOf } from '@/lib/outcome'
import { DEMO_USERS, STRATEGY_NOTES, isRefreshStrategy } from '@/lib/strategies'
import { OutcomeChip, OutcomeLegend } from '../outcome'

const PROBE_EVERY_MS = 500
const KEPT = 60

interface Pause {
  from: number
  until: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function summarize(probes: ApiCall[], pause: Pause | null) {
  const during = pause ? probes.filter((probe) => probe.startedAt >= pause.from && probe.startedAt < pause.until) : []
  const after = pause ? probes.filter((probe) => probe.startedAt >= pause.until) : []
  const unavailable = during.filter((probe) => probe.status === 503)
  const answered = during.filter((probe) => probe.ok)
  return {
    duringOk: answered.length,
    /** answered without a single store round trip (Server-Timing): a token's signature, a cached session copy */
    duringOkStoreless: answered.filter((probe) => {
      const { redis, pg } = measure(probe, undefined)
      return redis + pg === 0
    }).length,
    during503: unavailable.length,
    slowest503: unavailable.reduce((max, probe) => Math.max(max, probe.latencyMs), 0),
    afterOk: after.filter((probe) => probe.ok).length,
    afterFailed: after.filter((probe) => !probe.ok).length,
  }
}

/** Logs in everywhere, probes /me of every strategy twice a second, and pauses Redis on demand. */
export function OutageView() {
  const [probes, setProbes] = useState<Record<StrategyName, ApiCall[]>>(() => Object.fromEntries(STRATEGIES.map((s) => [s, []])) as unknown as Record<StrategyName, ApiCall[]>)
  const [probing, setProbing] = useState(false)
  const [seconds, setSeconds] = useState(3)
  const [pause, setPause] = useState<Pause | null>(null)
  const [pauseProblem, setPauseProblem] = useState<string | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const stopped = useRef(false)

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => {
      clearInterval(timer)
      stopped.current = true
    }
  }, [])

  async function probe(strategy: StrategyName, initialToken: string | null) {
    let token = initialToken
    while (!stopped.current) {
      const call = await apiFetch(`/api/${strategy}/me`, { token })
      setProbes((previous) => ({ ...previous, [strategy]: [...previous[strategy], call].slice(-KEPT) }))
      // Access tokens are short-lived: refresh as a real client would, so expiry is not mistaken for the
      // outage (jwt-cookie's new token arrives as a cookie, the others' in the body).
      if (isRefreshStrategy(strategy) && call.errorCode === 'AUTH_EXPIRED') {
        const refreshed = await apiFetch<RefreshResponse>(`/api/${strategy}/refresh`, { method: 'POST' })
        if (refreshed.ok && refreshed.body?.accessToken) token = refreshed.body.accessToken
      }
      await sleep(Math.max(0, PROBE_EVERY_MS - call.latencyMs))
    }
  }

  async function start() {
    stopped.current = false
    setProbing(true)
    const logins = await Promise.all(
      STRATEGIES.map((strategy) => apiFetch<LoginResponse>(`/api/${strategy}/login`, { method: 'POST', json: DEMO_USERS.alice })),
    )
    await Promise.all(STRATEGIES.map((strategy, index) => probe(strategy, logins[index]?.body?.accessToken ?? null)))
    setProbing(false)
  }

  async function pauseRedis() {
    setPauseProblem(null)
    const ms = seconds * 1000
    const call = await apiFetch('/api/lab/redis/pause', { method: 'POST', json: { ms } })
    // Counted from the confirmation: a probe sent before it may have been answered before Redis paused.
    const confirmedAt = call.startedAt + call.latencyMs
    if (call.ok) {
      setPause({ from: confirmedAt, until: confirmedAt + ms })
      announceStorePause(ms)
    }
    else if (call.status === 404) setPauseProblem('This API has no outage control: it exists only in the demo profile (pnpm demo, or LAB_PROFILE=demo).')
    else setPauseProblem(`The pause was refused: ${call.status} ${call.errorCode ?? ''} ${call.message ?? ''}`)
  }

  const paused = pause !== null && now < pause.until
  return (
    <>
      <div className="actions">
        {probing ? (
          <button type="button" className="quiet" onClick={() => (stopped.current = true)}>
            Stop probing
          </button>
        ) : (
          <button type="button" className="big" onClick={start} data-testid="start-probing">
            Log in everywhere and probe /me twice a second
          </button>
        )}
        <label>
          pause for{' '}
          <input type="number" min={1} max={10} value={seconds} onChange={(event) => setSeconds(Math.min(10, Math.max(1, Number(event.target.value) || 1)))} data-testid="pause-seconds" />{' '}
          s
        </label>
        <button type="button" className="outage big" onClick={pauseRedis} disabled={paused} data-testid="pause-redis">
          Pause Redis
        </button>
        <span className={paused ? 'banner banner-down' : 'banner'} role="status" data-testid="pause-state" data-paused={paused}>
          {paused ? `Redis paused: ${((pause.until - now) / 1000).toFixed(1)} s left` : pause ? 'Redis answering again' : 'Redis answering'}
        </span>
      </div>
      {pauseProblem && (
        <p className="problem" role="alert">
          {pauseProblem}
        </p>
      )}
      <OutcomeLegend show={['neutral', 'unavailable']} />
      <div className="outage-rows" data-testid="outage-result">
        {STRATEGIES.map((strategy) => {
          const own = probes[strategy]
          const last = own.at(-1)
          const summary = summarize(own, pause)
          return (
            <section
              key={strategy}
              className="panel outage-row"
              data-testid={`outage-${strategy}`}
              data-during-ok={summary.duringOk}
              data-during-ok-storeless={summary.duringOkStoreless}
              data-during-503={summary.during503}
              data-after-ok={summary.afterOk}
              data-after-failed={summary.afterFailed}
              data-slowest-503={Math.round(summary.slowest503)}
              aria-labelledby={`outage-${strategy}-title`}
            >
              <div className="outage-head">
                <h2 id={`outage-${strategy}-title`}>{strategy}</h2>
                <span className="muted">checks {STRATEGY_NOTES[strategy].checks}</span>
                {last && (
                  <span className="outage-last">
                    <OutcomeChip outcome={outcomeOf(last.status, 'owner')}>{last.status || 'no answer'}</OutcomeChip> {last.errorCode && <code className="error-code">{last.errorCode}</code>}{' '}
                    <span className="latency">{formatMs(last.latencyMs)} ms</span>
                  </span>
                )}
              </div>
              <ol className="ticks probes" aria-label={`${strategy} probes, oldest first`}>
                {own.map((call) => (
                  <li
                    key={call.id}
                    className={`${outcomeClass(outcomeOf(call.status, 'owner'))}${pause && call.startedAt >= pause.from && call.startedAt < pause.until ? ' in-pause' : ''}`}
                    data-outcome={outcomeOf(call.status, 'owner')}
                    title={`${call.status} ${call.errorCode ?? ''} in ${formatMs(call.latencyMs)} ms`}
                  />
                ))}
              </ol>
              {pause && (
                <p className="outage-summary">
                  During the pause: {summary.duringOk} answered 200
                  {summary.duringOkStoreless > 0 && ` (${summary.duringOkStoreless === summary.duringOk ? 'all' : summary.duringOkStoreless} without a store round trip)`},{' '}
                  {summary.during503} failed with 503
                  {summary.during503 > 0 && ` (the slowest in ${formatMs(summary.slowest503)} ms)`}. Since: {summary.afterOk} answered 200
                  {summary.afterFailed > 0 && `, ${summary.afterFailed} failed`}.
                </p>
              )}
            </section>
          )
        })}
      </div>
    </>
  )
}
