'use client'
import { useState } from 'react'
import { MEMORY_SESSION, STRATEGIES, type LoginResponse } from '@lab/contracts'
import { apiFetch, type ApiCall } from '@/lib/api'
import type { Outcome } from '@/lib/outcome'
import { DEMO_USERS } from '@/lib/strategies'
import { OutcomeLegend } from '../outcome'
import { RequestRow } from '../request-row'

/** Every strategy, then the in-memory session that exists only for this view. */
const HOPPING = [...STRATEGIES, MEMORY_SESSION] as const
type Hopping = (typeof HOPPING)[number]

const KEPT_IN: Record<Hopping, string> = {
  session: 'Redis, shared by every replica',
  'session-pg': 'Postgres, shared by every replica',
  'session-cached': 'shared Redis, plus a signed copy in a cookie that any replica can check',
  jwt: 'nowhere: the signature is checked with the shared secret',
  'jwt-denylist': 'the token itself, plus a denylist in shared Redis',
  'jwt-cookie': 'nowhere: the token in a cookie, checked with the shared secret',
  'jwt-dpop': 'the token itself, plus each proof’s jti in shared Redis',
  [MEMORY_SESSION]: "the memory of the replica that logged in, and no other's",
}

const ROUND_ROBIN_REQUESTS = 6

interface Hop {
  calls: Array<{ label: string; call: ApiCall }>
  verdict: 'survives' | 'lost' | 'failed' | null
}

/** The owner's login surviving the hop is the normal answer; losing it is the owner turned away. */
const VERDICT_OUTCOME: Record<NonNullable<Hop['verdict']>, Outcome> = { survives: 'neutral', lost: 'lost', failed: 'unavailable' }

const base = (strategy: Hopping) => (strategy === MEMORY_SESSION ? `/api/replicas/${MEMORY_SESSION}` : `/api/${strategy}`) as `/api/${string}`

/** Logs in on one replica and asks another who it is, for every strategy; and shows the load balancer taking turns. */
export function ReplicasView({ replicas }: { replicas: string[] }) {
  const [from, setFrom] = useState(replicas[0] as string)
  const [to, setTo] = useState(replicas[1] as string)
  const [hops, setHops] = useState<Partial<Record<Hopping, Hop>>>({})
  const [turns, setTurns] = useState<ApiCall[]>([])
  const [running, setRunning] = useState(false)

  async function hop(strategy: Hopping): Promise<Hop> {
    const calls: Hop['calls'] = []
    const login = await apiFetch<LoginResponse>(`${base(strategy)}/login`, { method: 'POST', json: DEMO_USERS.alice, replica: from })
    calls.push({ label: 'login', call: login })
    if (!login.ok) return { calls, verdict: 'failed' }
    const token = login.body?.accessToken ?? null
    const same = await apiFetch(`${base(strategy)}/me`, { token, replica: from })
    calls.push({ label: 'me', call: same })
    const other = await apiFetch(`${base(strategy)}/me`, { token, replica: to })
    calls.push({ label: 'me', call: other })
    return { calls, verdict: !same.ok ? 'failed' : other.ok ? 'survives' : 'lost' }
  }

  async function run() {
    setRunning(true)
    setHops({})
    try {
      for (const strategy of HOPPING) {
        const result = await hop(strategy)
        setHops((previous) => ({ ...previous, [strategy]: result }))
      }
    } finally {
      setRunning(false)
    }
  }

  async function takeTurns() {
    setRunning(true)
    const calls: ApiCall[] = []
    setTurns([])
    try {
      for (let i = 0; i < ROUND_ROBIN_REQUESTS; i++) {
        calls.push(await apiFetch('/api/health'))
        setTurns([...calls])
      }
    } finally {
      setRunning(false)
    }
  }

  return (
    <>
      <div className="actions">
        <label>
          log in on{' '}
          <select value={from} onChange={(event) => setFrom(event.target.value)} data-testid="hop-from">
            {replicas.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          then ask{' '}
          <select value={to} onChange={(event) => setTo(event.target.value)} data-testid="hop-to">
            {replicas.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <button type="button" className="big" onClick={run} disabled={running || from === to} data-testid="run-hops">
          {running ? 'Running…' : `Run: log in on ${from}, ask ${to}`}
        </button>
        <button type="button" onClick={takeTurns} disabled={running} data-testid="run-round-robin">
          Send {ROUND_ROBIN_REQUESTS} requests through the load balancer
        </button>
      </div>

      <OutcomeLegend show={['neutral', 'lost']} />
      <div className="table-scroll" role="region" aria-label="Each strategy across the hop" tabIndex={0}>
        <table className="totals revocation hops" aria-live="polite" data-testid="replicas-result">
          <thead>
            <tr>
              <th scope="col">strategy</th>
              <th scope="col">the login is kept in</th>
              <th scope="col">requests, each tagged with the replica that served it</th>
              <th scope="col">after the hop</th>
            </tr>
          </thead>
          <tbody>
            {HOPPING.map((strategy) => {
              const result = hops[strategy]
              return (
                <tr key={strategy} data-testid={`hop-${strategy}`} data-verdict={result?.verdict ?? ''}>
                  <th scope="row">{strategy}</th>
                  <td className="muted">{KEPT_IN[strategy]}</td>
                  <td>
                    <ol className="timeline">
                      {result?.calls.map(({ label, call }, index) => (
                        <RequestRow
                          key={call.id}
                          call={call}
                          label={label}
                          compact
                          meaning={result.verdict === 'lost' && index === result.calls.length - 1 ? 'lost' : undefined}
                        />
                      ))}
                    </ol>
                  </td>
                  <td className="verdict" data-outcome={result?.verdict ? VERDICT_OUTCOME[result.verdict] : undefined} data-testid="verdict">
                    {result?.verdict === 'survives' && `still alice on ${to}`}
                    {result?.verdict === 'lost' && `${to} has never heard of this session (${result.calls.at(-1)?.call.status} ${result.calls.at(-1)?.call.errorCode ?? ''})`}
                    {result?.verdict === 'failed' && 'the run failed before the hop'}
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>

      {turns.length > 0 && (
        <section aria-label="round robin">
          <h2>Round robin</h2>
          <p className="muted">The same request, {ROUND_ROBIN_REQUESTS} times, with no replica named: nginx hands each to the next replica.</p>
          <ol className="timeline" data-testid="round-robin">
            {turns.map((call, index) => (
              <RequestRow key={call.id} call={call} label={`health #${index + 1}`} compact />
            ))}
          </ol>
        </section>
      )}
    </>
  )
}
