'use client'
import { CLAIM_NOTES, HEADER_NOTES, TIME_CLAIMS, absoluteTime, relativeTime } from '@/lib/token-notes'

/** The token as it stands, each part in its colour: header, payload, signature (empty once dropped). */
export function ColoredToken({ segments, testId }: { segments: readonly [string, string, string]; testId: string }) {
  const [header, payload, signature] = segments
  return (
    <code className="token token-parts" data-testid={testId} aria-label="the token: header, payload and signature, separated by dots">
      <span className="tok-header">{header}</span>
      <span className="tok-dot">.</span>
      <span className="tok-payload">{payload}</span>
      <span className="tok-dot">.</span>
      {signature ? <span className="tok-signature">{signature}</span> : <span className="tok-missing">(no signature)</span>}
    </code>
  )
}

const asText = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value))
const isTimeClaim = (name: string): name is (typeof TIME_CLAIMS)[number] => (TIME_CLAIMS as readonly string[]).includes(name)

/**
 * Every member of a header or payload: its value (always as text: a token is anyone's to write, so
 * markup in it is shown, never run), what it means, and for a time claim its date, absolute and
 * relative, with whether that makes the token expired or not yet valid.
 */
export function MembersTable({ part, members, now }: { part: 'header' | 'payload'; members: Record<string, unknown>; now: number }) {
  const notes = part === 'header' ? HEADER_NOTES : CLAIM_NOTES
  return (
    <table className="members" data-testid={`${part}-members`}>
      <caption className="sr-only">{part === 'header' ? 'Header members' : 'Claims'}, with what each means</caption>
      <tbody>
        {Object.entries(members).map(([name, value]) => {
          const time = part === 'payload' && isTimeClaim(name) && typeof value === 'number' ? value : null
          const late = time !== null && name === 'exp' && time * 1000 <= now
          const early = time !== null && name === 'nbf' && time * 1000 > now
          return (
            <tr key={name} data-testid={`claim-${name}`}>
              <th scope="row">
                <code className={`member-${part}`}>{name}</code>
              </th>
              <td>
                <code className="member-value" data-testid="claim-value">
                  {asText(value)}
                </code>
                {time !== null && (
                  <span className="member-time" data-testid="claim-time">
                    {absoluteTime(time)} · <strong>{relativeTime(time, now)}</strong>
                    {late && <strong className="problem"> expired</strong>}
                    {early && <strong className="problem"> not valid yet</strong>}
                  </span>
                )}
                <span className="member-note">{notes[name] ?? (part === 'header' ? 'not a member the lab uses' : 'not a claim the lab reads')}</span>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
