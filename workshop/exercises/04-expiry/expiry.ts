export type Verdict = 'valid' | 'expired' | 'not-yet-valid' | 'invalid'

export interface TimeOptions {
  /** the clock, in milliseconds since 1970 like Date.now */
  now: () => number
  /** seconds of clock difference forgiven in each direction */
  tolerance: number
}

/** Checks `exp` (required) and `nbf` (optional), in seconds, against the given clock. */
export function checkTimes(claims: Record<string, unknown>, options: TimeOptions): Verdict {
  // TODO 1: 'invalid' unless exp is a finite number, and nbf is absent or a finite number.
  // TODO 2: 'expired' unless now (in seconds) < exp + tolerance.
  // TODO 3: 'not-yet-valid' unless now >= nbf - tolerance.
  throw new Error('TODO: checkTimes in expiry.ts')
}
