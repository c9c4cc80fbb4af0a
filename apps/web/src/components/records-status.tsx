'use client'
import { useRecords } from '@/lib/records'

/** The words after the first: left out on a phone, where the header must stay short. */
const LABEL = {
  connecting: ['connecting', ' to live records…'],
  live: ['live', ' records'],
  lost: ['live records lost,', ' reconnecting…'],
} as const

export function RecordsStatus() {
  const { state } = useRecords()
  return (
    <span className={`records-status records-${state}`} role="status" data-testid="records-status" data-state={state}>
      <span className="dot" aria-hidden /> {LABEL[state][0]}
      <span className="phone-hidden">{LABEL[state][1]}</span>
    </span>
  )
}
