'use client'
import type { ApiCall } from '@/lib/api'
import { REASON_NOTES } from '@/lib/token-notes'
import type { AuthRejectionReason } from '@lab/contracts'
import { outcomeOf } from '@/lib/outcome'
import { OutcomeChip } from '../outcome'

/** One token sent: what had been done to it, where it went, and what the server said. */
export interface Sent {
  /** each edit in words; empty for the token as it was loaded */
  edits: string[]
  /** where the token came from: a login, a paste, a link */
  source: string
  /** the signature's status when it was sent, as the inspector had found it */
  signature: 'valid' | 'invalid' | 'unknown'
  call: ApiCall
}

const isReason = (value: string | null): value is AuthRejectionReason => value !== null && value in REASON_NOTES

/** The tokens sent, newest first, each labelled with its edits and the server's answer and reason. */
export function InspectorHistory({ sent, demo }: { sent: Sent[]; demo: boolean }) {
  if (sent.length === 0) return null
  return (
    <div className="table-scroll" role="region" aria-label="Tokens sent" tabIndex={0}>
      <table className="totals history" data-testid="history">
        <caption className="sr-only">Tokens sent, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">what was sent</th>
            <th scope="col">to</th>
            <th scope="col">signature</th>
            <th scope="col">the server said</th>
          </tr>
        </thead>
        <tbody>
          {sent.map((entry, index) => {
            const { call } = entry
            return (
              <tr key={call.id} data-testid="history-row" data-status={call.status} data-code={call.errorCode ?? ''} data-reason={call.authReason ?? ''} data-edits={entry.edits.join('; ')}>
                <th scope="row">{sent.length - index}</th>
                <td data-label="what was sent">
                  {entry.edits.length === 0 ? (
                    <span>unchanged, {entry.source}</span>
                  ) : (
                    <ul className="edits">
                      {entry.edits.map((edit) => (
                        <li key={edit}>
                          <code>{edit}</code>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td data-label="to" className="nowrap">
                  <code>{call.path.replace(/^\/api\//, '')}</code>
                </td>
                <td data-label="signature">{entry.signature === 'unknown' ? 'not checked' : entry.signature}</td>
                <td data-label="the server said">
                  {/* an edited token stands for a forgery: let in, it is the attacker's success */}
                  <OutcomeChip outcome={outcomeOf(call.status, entry.edits.length > 0 ? 'attacker' : 'owner')}>{call.status || 'no answer'}</OutcomeChip>{' '}
                  {call.errorCode && <code className="error-code">{call.errorCode}</code>}
                  {isReason(call.authReason) ? (
                    <span className="history-reason">
                      <code>{call.authReason}</code>: {REASON_NOTES[call.authReason]}
                    </span>
                  ) : !call.ok && !demo ? (
                    <span className="history-reason muted">no reason: the production profile gives one generic answer</span>
                  ) : null}
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
