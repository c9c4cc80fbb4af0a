import type { ReactNode } from 'react'
import { OUTCOMES, outcomeClass, type Outcome } from '@/lib/outcome'

/** A status (or any short result) in the colour of its meaning. */
export function OutcomeChip({ outcome, children, title }: { outcome: Outcome; children: ReactNode; title?: string }) {
  return (
    <span className={outcomeClass(outcome)} data-outcome={outcome} title={title ?? OUTCOMES[outcome].label}>
      {children}
    </span>
  )
}

/** What the colours on this view mean: only the ones it can show. */
export function OutcomeLegend({ show }: { show: Outcome[] }) {
  return (
    <ul className="legend" aria-label="What the colours mean" data-testid="legend">
      {show.map((outcome) => (
        <li key={outcome} title={OUTCOMES[outcome].description}>
          <span className={`${outcomeClass(outcome)} swatch`} aria-hidden /> {OUTCOMES[outcome].label}
        </li>
      ))}
    </ul>
  )
}
