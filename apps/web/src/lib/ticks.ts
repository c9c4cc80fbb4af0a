// Ticks for a time axis that read well: 0, 5, 10, 15 s rather than 0 s, 0 s, 1 s, 1 s. Plain TypeScript, run by the web tests.

const STEPS_S = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]

/** Evenly spaced round ticks from 0 past `maxSeconds`, at most `most` of them after 0. */
export function timeTicks(maxSeconds: number, most = 6): number[] {
  const max = Math.max(maxSeconds, 0.5)
  const step = STEPS_S.find((candidate) => max / candidate <= most) ?? Math.ceil(max / most / 3600) * 3600
  const count = Math.ceil(max / step - 1e-9)
  return Array.from({ length: count + 1 }, (_, index) => Number((index * step).toFixed(1)))
}

/** A tick's label: `0.5 s`, `15 s`, `2 min`, `1 min 30 s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`
  const minutes = Math.floor(seconds / 60)
  const rest = Math.round(seconds - minutes * 60)
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`
}
