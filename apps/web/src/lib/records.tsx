'use client'
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react'
import type { RequestRecord } from '@lab/contracts'
import { RecordStore } from './record-store'

type StreamState = 'connecting' | 'live' | 'lost'

interface RecordsValue {
  state: StreamState
  /** the live record of a request, by its `x-request-id`; undefined until it arrives */
  get: (requestId: string | null) => RequestRecord | undefined
  /** records that arrived elsewhere: an imported export's, shown as they were */
  add: (records: RequestRecord[]) => void
}

const RecordsContext = createContext<RecordsValue | null>(null)

/**
 * One connection to the API's live stream (`/api/records`) for the whole lab, when `live`: the
 * stream exists in the demo profile only. Without it, no record ever arrives.
 */
export function RecordsProvider({ live, children }: { live: boolean; children: ReactNode }) {
  const records = useRef(new RecordStore())
  const [state, setState] = useState<StreamState>('connecting')
  const [, setVersion] = useState(0)
  const add = useCallback((arrived: RequestRecord[]) => {
    records.current.add(arrived)
    setVersion((version) => version + 1)
  }, [])

  useEffect(() => {
    if (!live) return
    const source = new EventSource('/api/records')
    source.onopen = () => setState('live')
    // EventSource reconnects by itself; say so meanwhile.
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'lost' : 'connecting')
    source.addEventListener('record', (event) => add([JSON.parse((event as MessageEvent<string>).data) as RequestRecord]))
    return () => source.close()
  }, [live, add])

  const get = (requestId: string | null) => (requestId === null ? undefined : records.current.get(requestId))
  return <RecordsContext value={{ state, get, add }}>{children}</RecordsContext>
}

export function useRecords(): RecordsValue {
  const value = useContext(RecordsContext)
  if (!value) throw new Error('useRecords outside RecordsProvider')
  return value
}
