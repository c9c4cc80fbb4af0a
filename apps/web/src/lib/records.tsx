'use client'
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react'
import type { RequestRecord } from '@lab/contracts'

type StreamState = 'connecting' | 'live' | 'lost'

interface RecordsValue {
  state: StreamState
  /** the live record of a request, by its `x-request-id`; undefined until it arrives */
  get: (requestId: string | null) => RequestRecord | undefined
}

const RecordsContext = createContext<RecordsValue | null>(null)

/** Enough for every request on screen; older records are dropped. */
const KEPT = 2000

/**
 * One connection to the API's live stream (`/api/records`) for the whole lab, when `live`: the
 * stream exists in the demo profile only. Without it, no record ever arrives.
 */
export function RecordsProvider({ live, children }: { live: boolean; children: ReactNode }) {
  const records = useRef(new Map<string, RequestRecord>())
  const [state, setState] = useState<StreamState>('connecting')
  const [, setVersion] = useState(0)

  useEffect(() => {
    if (!live) return
    const source = new EventSource('/api/records')
    source.onopen = () => setState('live')
    // EventSource reconnects by itself; say so meanwhile.
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'lost' : 'connecting')
    source.addEventListener('record', (event) => {
      const record = JSON.parse((event as MessageEvent<string>).data) as RequestRecord
      const map = records.current
      map.set(record.requestId, record)
      if (map.size > KEPT) map.delete(map.keys().next().value as string)
      setVersion((version) => version + 1)
    })
    return () => source.close()
  }, [live])

  const get = (requestId: string | null) => (requestId === null ? undefined : records.current.get(requestId))
  return <RecordsContext value={{ state, get }}>{children}</RecordsContext>
}

export function useRecords(): RecordsValue {
  const value = useContext(RecordsContext)
  if (!value) throw new Error('useRecords outside RecordsProvider')
  return value
}
