'use client'
import type { ApiCall } from '@/lib/api'
import { useRecords } from '@/lib/records'
import { formatMs, measure } from '@/lib/round-trips'

export function statusClass(status: number): string {
  if (status >= 200 && status < 300) return 'status status-ok'
  if (status >= 500 || status === 0) return 'status status-down'
  return 'status status-denied'
}

/** A thief's replay that got in is the attacker's success: danger, never the green of a normal 200. */
export function replayClass(call: ApiCall): string {
  return call.via === 'attacker' && call.ok ? 'status status-stolen' : statusClass(call.status)
}

/** One request in a timeline: status, latency, error code, and each store round trip as its own mark. */
export function RequestRow({ call, label }: { call: ApiCall; label: string }) {
  const { get } = useRecords()
  const measured = measure(call, get(call.requestId))
  const total = measured.serverMs ?? call.latencyMs
  return (
    <li
      className="request"
      data-testid="request"
      data-label={label}
      data-status={call.status}
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
        <span className={replayClass(call)} data-testid="status">
          {call.status || 'no answer'}
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
        <span className="latency" title="measured in the browser, round trip through the web server">
          {formatMs(call.latencyMs)} ms
        </span>
      </div>
      <div className="marks-row">
        {measured.marks.length === 0 ? (
          <span className="no-trips">no store round trip</span>
        ) : (
          <ol className="marks" aria-label="store round trips">
            {measured.marks.map((mark, index) => (
              <li key={index} className={`mark mark-${mark.store}${mark.ok ? '' : ' mark-failed'}`} data-testid="round-trip" data-store={mark.store}>
                <span className="mark-store">{mark.store === 'pg' ? 'Postgres' : 'Redis'}</span> <code>{mark.command}</code>{' '}
                {formatMs(mark.durationMs)} ms{mark.ok ? '' : ' (no answer)'}
              </li>
            ))}
          </ol>
        )}
        <span className="source" title="where the round trips shown come from">
          {measured.source === 'record' ? 'live record' : 'Server-Timing'}
        </span>
      </div>
      {measured.source === 'record' && measured.marks.length > 0 && (
        <div className="track" aria-hidden>
          {measured.marks.map((mark, index) => (
            <span
              key={index}
              className={`track-mark mark-${mark.store}`}
              style={{
                left: `${Math.min(100, ((mark.startMs ?? 0) / total) * 100)}%`,
                width: `${Math.max(1.5, Math.min(100, (mark.durationMs / total) * 100))}%`,
              }}
            />
          ))}
        </div>
      )}
    </li>
  )
}
