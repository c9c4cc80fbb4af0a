// The one place where a result gets its colour. A room reads colour before text, so each colour has
// one meaning on every view: the CSS classes `outcome-<name>` (globals.css) and the legend read these.

/** Who a request stands for: the credential's owner, or someone who should not get in with it (a thief's replay, a forged or edited token). */
export type Actor = 'owner' | 'attacker'

export type Outcome = 'danger' | 'safe' | 'neutral' | 'lost' | 'unavailable'

/** What each colour means, in the words of the legend. */
export const OUTCOMES: Record<Outcome, { label: string; description: string }> = {
  danger: { label: 'attacker got in', description: 'a stolen, replayed or forged credential was accepted' },
  safe: { label: 'refused: protected', description: 'the server refused a credential that must not work (revoked, expired, forged, not an admin)' },
  neutral: { label: "owner's request answered", description: 'a normal answer to the logged-in user' },
  lost: { label: 'owner turned away', description: 'the rightful user lost a login that should have held' },
  unavailable: { label: 'no answer', description: 'a store or the API did not answer (503, or nothing at all)' },
}

/** A status seen from `actor`'s side: the attacker's 2xx is danger, any refusal protects, the owner's 2xx is neutral. */
export function outcomeOf(status: number, actor: Actor): Outcome {
  if (status === 0 || status >= 500) return 'unavailable'
  if (status >= 200 && status < 400) return actor === 'attacker' ? 'danger' : 'neutral'
  return 'safe'
}

export const outcomeClass = (outcome: Outcome) => `outcome outcome-${outcome}`
