'use client'
import { useId, useState } from 'react'
import type { ApiCall } from '@/lib/api'
import { explainCommand } from '@/lib/commands'
import { outcomeOf, type Actor, type Outcome } from '@/lib/outcome'
import { useRecords } from '@/lib/records'
import { formatMs, measure } from '@/lib/round-trips'
import { OutcomeChip } from './outcome'
import { Waterfall, WaterfallTrack } from './waterfall'

interface RequestRowProps {
  call: ApiCall
  label: string
  /** whom the request stands for; by default a thief's replay is the attacker and the rest the owner */
  actor?: Actor
  /** what its status means when the view knows better than the status (a login lost on another replica) */
  meaning?: Outcome
  /** one short line: who answered and what, without the round trips and timing (tables that compare many requests) */
  compact?: boolean
}

/** One request in a timeline: status in the colour of its meaning, each store round trip, and its timing as the server and this browser measured it. */
export function RequestRow({ call, label, actor, meaning, compact = false }: RequestRowProps) {
  const { get } = useRecords()
  const [open, setOpen] = useState(false)
  const timingId = useId()
  const measured = measure(call, get(call.requestId))
  const outcome = meaning ?? outcomeOf(call.status, actor ?? (call.via === 'attacker' ? 'attacker' : 'owner'))
  return (
    <li
      className={compact ? 'request request-compact' : 'request'}
      data-testid="request"
      data-label={label}
      data-status={call.status}
      data-outcome={outcome}
      data-code={call.errorCode ?? ''}
      data-source={measured.source}
      data-redis={measured.redis}
      data-pg={measured.pg}
      data-replica={call.replica ?? ''}
    >
      <div className="request-head">
        <span className="request-label">
          {label}
          {call.via === 'attacker' && <span className="tag tag-attacker">sent by the thief</span>}
          {call.replica && (
            <span className="tag tag-replica" title="the API replica that served it (x-replica)" data-testid="replica">
              {call.replica}
            </span>
          )}
        </span>
        <span data-testid="status">
          <OutcomeChip outcome={outcome}>{call.status || 'no answer'}</OutcomeChip>
        </span>
        {call.errorCode && (
          <code className="error-code" data-testid="error-code">
            {call.errorCode}
          </code>
        )}
        {call.authReason && (
          <code className="error-code" title="why the token was refused (x-auth-reason, demo profile only)" data-testid="auth-reason">
            {call.authReason}
          </code>
        )}
        {!compact && (
          <>
            <span className="latency" data-testid="timing-figures">
              {measured.serverMs !== null && (
                <span title="the API's own time for this request (Server-Timing total)">
                  server <strong data-testid="server-ms">{formatMs(measured.serverMs)}</strong> ms ·{' '}
                </span>
              )}
              <span title="measured in this browser: through the web origin's proxy to the API and back">browser {formatMs(call.latencyMs)} ms</span>
            </span>
            <button type="button" className="quiet timing-toggle" aria-expanded={open} aria-controls={timingId} onClick={() => setOpen(!open)}>
              timing
            </button>
          </>
        )}
      </div>
      {!compact && (
        <>
          <div className="marks-row">
            {measured.marks.length === 0 ? (
              <span className="no-trips">no store round trip</span>
            ) : (
              <ol className="marks" aria-label="store round trips">
                {measured.marks.map((mark, index) => (
                  <li
                    key={index}
                    className={`mark mark-${mark.store}${mark.ok ? '' : ' mark-failed'}`}
                    title={explainCommand(mark.store, mark.command, call.path)}
                    data-testid="round-trip"
                    data-store={mark.store}
                  >
                    <span className="mark-store">{mark.store === 'pg' ? 'Postgres' : 'Redis'}</span> <code>{mark.command}</code> {formatMs(mark.durationMs)} ms
                    {mark.ok ? '' : ' (no answer)'}
                  </li>
                ))}
              </ol>
            )}
            <span className="source" title="where the round trips shown come from">
              {measured.source === 'record' ? 'live record' : 'Server-Timing'}
            </span>
          </div>
          <WaterfallTrack measured={measured} />
          {open && <Waterfall id={timingId} call={call} measured={measured} />}
        </>
      )}
    </li>
  )
}
