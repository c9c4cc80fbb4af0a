import type { Metadata } from 'next'
import { OutageView } from '@/components/outage/outage-view'

export const metadata: Metadata = { title: 'Outage' }

export default function OutagePage() {
  return (
    <>
      <div className="intro">
        <h1>When Redis stops answering</h1>
        <p>
          A strategy that checks state on every request depends on that store being up. Pause Redis (with Redis&apos;s own{' '}
          <code>CLIENT PAUSE</code>, a lab-only control of the demo profile) and watch: <code>jwt</code> needs no store and keeps
          answering, <code>session-pg</code> lives in Postgres, while <code>session</code> and <code>jwt-denylist</code> fail fast
          with 503 <code>STORE_UNAVAILABLE</code> instead of hanging, and recover as soon as Redis answers again. Outlined squares
          were sent during the pause.
        </p>
      </div>
      <OutageView />
    </>
  )
}
