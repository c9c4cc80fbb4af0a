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
          <code>CLIENT PAUSE</code>, a lab-only control of the demo profile) and watch: <code>jwt</code> and{' '}
          <code>jwt-cookie</code> need no store and keep answering, <code>session-pg</code> lives in Postgres, while{' '}
          <code>session</code> and <code>jwt-denylist</code> fail fast with 503 <code>STORE_UNAVAILABLE</code> instead of hanging,
          and recover as soon as Redis answers again. <code>session-cached</code> keeps answering from its signed copy while the
          copy is fresh (<code>SESSION_CACHE_TTL</code> from its last renewal); a stale copy needs Redis, and then it fails fast like{' '}
          <code>session</code>. Outlined squares were sent during the pause.
        </p>
      </div>
      <OutageView />
    </>
  )
}
