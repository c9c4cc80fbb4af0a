import type { RequestRecord } from '@lab/contracts'

export const LIMITS = {
  /** records no request row has asked for yet: the stream brings everyone's (a room's, through one demo) */
  arrived: 2000,
  /** records a row has shown: kept apart, or a busy room's flow would push them out within a minute */
  shown: 5000,
}

/** Drops the oldest entries (a Map iterates in insertion order) beyond `max`. */
function trim(map: Map<string, RequestRecord>, max: number) {
  for (const key of map.keys()) {
    if (map.size <= max) return
    map.delete(key)
  }
}

/** The live records this browser holds, by request id; bounded both ways. */
export class RecordStore {
  readonly #arrived = new Map<string, RequestRecord>()
  readonly #shown = new Map<string, RequestRecord>()
  readonly #limits: typeof LIMITS

  constructor(limits: typeof LIMITS = LIMITS) {
    this.#limits = limits
  }

  add(records: Iterable<RequestRecord>): void {
    for (const record of records) if (!this.#shown.has(record.requestId)) this.#arrived.set(record.requestId, record)
    trim(this.#arrived, this.#limits.arrived)
  }

  /** The record of a request; once asked for and found, it is kept among the shown ones. */
  get(requestId: string): RequestRecord | undefined {
    const shown = this.#shown.get(requestId)
    if (shown) return shown
    const arrived = this.#arrived.get(requestId)
    if (!arrived) return undefined
    this.#arrived.delete(requestId)
    this.#shown.set(requestId, arrived)
    trim(this.#shown, this.#limits.shown)
    return arrived
  }
}
