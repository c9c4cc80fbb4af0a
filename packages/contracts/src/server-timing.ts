/** One entry of a `Server-Timing` header, e.g. `redis;dur=0.31;desc="GET"`. */
export interface ServerTimingEntry {
  name: string
  dur: number | null
  desc: string | null
}

const QUOTED = /"((?:[^"\\]|\\.)*)"/y

/**
 * Parses a `Server-Timing` header (RFC-style list of metrics with `dur` and `desc` params).
 * @example parseServerTiming('redis;dur=0.3;desc="GET", total;dur=1.2').length === 2
 */
export function parseServerTiming(header: string | null | undefined): ServerTimingEntry[] {
  if (!header) return []
  const entries: ServerTimingEntry[] = []
  let i = 0
  const skipSpaces = () => {
    while (header[i] === ' ' || header[i] === '\t') i++
  }
  const readToken = () => {
    const start = i
    while (i < header.length && !';,= \t'.includes(header[i] as string)) i++
    return header.slice(start, i)
  }
  while (i < header.length) {
    skipSpaces()
    const name = readToken()
    const entry: ServerTimingEntry = { name, dur: null, desc: null }
    skipSpaces()
    while (header[i] === ';') {
      i++
      skipSpaces()
      const key = readToken().toLowerCase()
      skipSpaces()
      let value = ''
      if (header[i] === '=') {
        i++
        skipSpaces()
        QUOTED.lastIndex = i
        const quoted = QUOTED.exec(header)
        if (quoted) {
          value = (quoted[1] as string).replace(/\\(.)/g, '$1')
          i = QUOTED.lastIndex
        } else {
          value = readToken()
        }
      }
      if (key === 'dur') entry.dur = Number(value)
      if (key === 'desc') entry.desc = value
      skipSpaces()
    }
    if (name) entries.push(entry)
    while (i < header.length && header[i] !== ',') i++
    i++
  }
  return entries
}

/** Formats one `Server-Timing` entry, quoting the description. */
export function formatServerTiming(name: string, dur: number, desc?: string): string {
  const base = `${name};dur=${dur.toFixed(2)}`
  return desc === undefined ? base : `${base};desc="${desc.replace(/["\\]/g, '\\$&')}"`
}

/** Counts the store round trips a `Server-Timing` header reports. */
export function countRoundTrips(header: string | null | undefined): { redis: number; pg: number } {
  const entries = parseServerTiming(header)
  return {
    redis: entries.filter((e) => e.name === 'redis').length,
    pg: entries.filter((e) => e.name === 'pg').length,
  }
}
