export type Verdict = 'valid' | 'expired' | 'not-yet-valid' | 'invalid'

export interface TimeOptions {
  /** the clock, in milliseconds since 1970 like Date.now */
  now: () => number
  /** seconds of clock difference forgiven in each direction */
  tolerance: number
}

const isNumericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value)

/** Checks `exp` (required) and `nbf` (optional), in seconds, against the given clock. */
export function checkTimes(claims: Record<string, unknown>, { now, tolerance }: TimeOptions): Verdict {
  const { exp, nbf } = claims
  if (!isNumericDate(exp) || (nbf !== undefined && !isNumericDate(nbf))) return 'invalid'
  const seconds = now() / 1000
  // "Refuse unless valid": with a NaN clock or tolerance every comparison is false, so it refuses.
  if (!(seconds < exp + tolerance)) return 'expired'
  if (nbf !== undefined && !(seconds >= nbf - tolerance)) return 'not-yet-valid'
  return 'valid'
}
