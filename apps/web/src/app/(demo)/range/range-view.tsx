'use client'
import Link from 'next/link'
import { useEffect, useState } from 'react'
import type { RangeAttack, RangeIndex, RangeMe, RangePublicKey, RangeToken } from '@lab/contracts'
import { apiFetch, type ApiCall } from '@/lib/api'
import { decodeToken } from '@/lib/jwt'
import { OutcomeChip, OutcomeLegend } from '@/components/outcome'
import { inspectorHref } from '@/lib/views'
import { RequestRow } from '@/components/request-row'
import { outcomeOf } from '@/lib/outcome'
import { forge, type Forgery, type RangeLoot } from './forge'

type Outcome = { forgery: Forgery; range: ApiCall<RangeMe>; real: ApiCall } | { problem: string }

const loot: RangeLoot = {
  async guestToken(attack) {
    const call = await apiFetch<RangeToken>(`/api/range/${attack}/token`)
    if (!call.body) throw new Error(`the range gave no guest token (${call.status})`)
    return call.body.token
  },
  async publicKey() {
    const call = await apiFetch<RangePublicKey>('/api/range/alg-confusion/public-key')
    if (!call.body) throw new Error(`the range published no key (${call.status})`)
    return call.body.publicKey
  },
}

/** Every request here carries a forged token: an answer is the attacker's success, a refusal protects. */
function rangeVerdict(call: ApiCall<RangeMe>): string {
  if (call.ok && call.body?.user.role === 'admin') return 'Got in as admin: the forged token was accepted'
  return `Refused (${call.status} ${call.errorCode ?? ''})`
}

function realVerdict(call: ApiCall): string {
  if (call.status === 401) return `Refused: ${call.status} ${call.errorCode ?? ''}`
  return `Answered ${call.status}: the real API should have refused this token`
}

/** An answer in a few words, for the table of every attack. */
const short = (call: ApiCall<unknown>) => (call.ok ? 'let the forged token in' : `refused ${call.errorCode ?? ''}`)

/** Every range attack, forged in this browser and sent to the range and to the real API side by side. */
export function RangeView() {
  const [index, setIndex] = useState<RangeIndex | 'absent' | 'unreachable' | null>(null)
  const [outcomes, setOutcomes] = useState<Partial<Record<RangeAttack, Outcome>>>({})
  const [running, setRunning] = useState(false)

  useEffect(() => {
    void apiFetch<RangeIndex>('/api/range').then((call) => setIndex(call.body ?? (call.status === 404 ? 'absent' : 'unreachable')))
  }, [])

  if (index === null) return <p className="muted">Looking for the attack range…</p>
  if (index === 'absent') {
    return (
      <p className="problem" data-testid="range-absent">
        This API has no attack range: it exists in the demo profile only. Start the lab with <code>pnpm demo</code>.
      </p>
    )
  }
  if (index === 'unreachable') return <p className="problem">The API cannot be reached.</p>
  const { attacks } = index

  async function attack(name: RangeAttack) {
    try {
      const forgery = await forge(name, loot)
      const [range, real] = await Promise.all([
        apiFetch<RangeMe>(`/api/range/${name}/admin`, { token: forgery.token }),
        apiFetch('/api/jwt/admin', { token: forgery.token }),
      ])
      setOutcomes((previous) => ({ ...previous, [name]: { forgery, range, real } }))
    } catch (error) {
      setOutcomes((previous) => ({ ...previous, [name]: { problem: (error as Error).message } }))
    }
  }

  async function runAll() {
    setRunning(true)
    setOutcomes({})
    try {
      for (const info of attacks) await attack(info.name)
    } finally {
      setRunning(false)
    }
  }

  return (
    <>
      <p className="banner" role="note">{index.warning}</p>
      <div className="actions">
        <button type="button" className="big danger" onClick={runAll} disabled={running} data-testid="run-attacks">
          {running ? 'Attacking…' : 'Forge every token and try it on both'}
        </button>
      </div>
      <OutcomeLegend show={['danger', 'safe']} />
      <div className="table-scroll" role="region" aria-label="Every attack at a glance" tabIndex={0}>
        <table className="totals scoreboard" data-testid="range-result">
          <thead>
            <tr>
              <th scope="col">forged token</th>
              <th scope="col">deliberately vulnerable range</th>
              <th scope="col">the real API</th>
            </tr>
          </thead>
          <tbody>
            {attacks.map((info) => {
              const outcome = outcomes[info.name]
              const done = outcome && 'forgery' in outcome ? outcome : null
              return (
                <tr key={info.name} data-testid={`score-${info.name}`}>
                  <th scope="row">
                    <a href={`#attack-${info.name}`}>{info.title}</a>
                  </th>
                  {done ? (
                    <>
                      <td>
                        <OutcomeChip outcome={outcomeOf(done.range.status, 'attacker')}>{done.range.status || 'no answer'}</OutcomeChip> {short(done.range)}
                      </td>
                      <td>
                        <OutcomeChip outcome={outcomeOf(done.real.status, 'attacker')}>{done.real.status || 'no answer'}</OutcomeChip> {short(done.real)}
                      </td>
                    </>
                  ) : (
                    <td colSpan={2} className="muted">
                      {outcome && 'problem' in outcome ? outcome.problem : 'not tried yet'}
                    </td>
                  )}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {attacks.map((info) => {
        const outcome = outcomes[info.name]
        const header = outcome && 'forgery' in outcome ? decodeToken(outcome.forgery.token) : null
        return (
          <section key={info.name} id={`attack-${info.name}`} className="panel" aria-labelledby={`attack-${info.name}-title`} data-testid={`attack-${info.name}`}>
            <h2 id={`attack-${info.name}-title`}>{info.title}</h2>
            <dl className="note">
              <dt>the range&rsquo;s mistake</dt>
              <dd>{info.flaw}</dd>
              <dt>the real API instead</dt>
              <dd>{info.defence}</dd>
            </dl>
            <div className="actions">
              <button type="button" className="danger" onClick={() => attack(info.name)} disabled={running}>
                Try this one
              </button>
            </div>
            {outcome && 'problem' in outcome && <p className="problem">{outcome.problem}</p>}
            {outcome && 'forgery' in outcome && (
              <>
                <ol className="muted">
                  {outcome.forgery.steps.map((step) => (
                    <li key={step}>{step}</li>
                  ))}
                </ol>
                {header && 'header' in header && (
                  <p>
                    forged header <code>{JSON.stringify(header.header)}</code>
                  </p>
                )}
                <code className="token">{outcome.forgery.token}</code>
                <Link href={inspectorHref(outcome.forgery.token)} data-testid="open-in-inspector">
                  Open the forged token in the inspector
                </Link>
                <div className="panes">
                  {[
                    { label: `range /${info.name}/admin`, call: outcome.range, verdict: rangeVerdict(outcome.range), side: 'range' },
                    { label: 'real API /jwt/admin', call: outcome.real, verdict: realVerdict(outcome.real), side: 'real' },
                  ].map(({ label, call, verdict, side }) => (
                    <div key={side} data-testid={`${side}-${info.name}`} data-status={call.status}>
                      <h3>{side === 'range' ? 'Deliberately vulnerable range' : 'The real API'}</h3>
                      <ol className="timeline">
                        <RequestRow call={call} label={label} actor="attacker" />
                      </ol>
                      <p className="verdict-line" data-outcome={outcomeOf(call.status, 'attacker')} data-testid="verdict">
                        {verdict}
                      </p>
                    </div>
                  ))}
                </div>
              </>
            )}
          </section>
        )
      })}
    </>
  )
}
