import type { Metadata } from 'next'
import { OutageView } from '@/components/outage/outage-view'

export const metadata: Metadata = { title: 'Outage' }

export default function OutagePage() {
  return (
    <>
      <div className="intro">
        <h1>When Redis stops answering</h1>
        <p>
          Pause Redis (its own <code>CLIENT PAUSE</code>, a control of the demo profile only) and watch: <code>jwt</code> and{' '}
          <code>jwt-cookie</code> need no store, <code>session-pg</code> lives in Postgres; <code>session</code> and{' '}
          <code>jwt-denylist</code> fail fast with 503 <code>STORE_UNAVAILABLE</code> instead of hanging, and recover by themselves.{' '}
          <code>session-cached</code> answers from its signed copy while the copy is fresh; a stale one needs Redis and fails like{' '}
          <code>session</code>. Outlined squares were sent during the pause.
        </p>
      </div>
      <OutageView />
    </>
  )
}
