// The lab's own views pause a store (Outage, Verdict): they say so, and the header's store health reads
// the stores again at once instead of at its next poll, which a short pause could fall between.
export const STORES_CHANGED = 'lab:stores-changed'

/** Tells the header to read the stores' health now, and again once a pause of `ms` is over. */
export function announceStorePause(ms: number): void {
  window.dispatchEvent(new Event(STORES_CHANGED))
  setTimeout(() => window.dispatchEvent(new Event(STORES_CHANGED)), ms + 100)
}
