import type { Metadata } from 'next'
import { Intro } from '@/components/intro'
import { OutageView } from '@/components/outage/outage-view'

export const metadata: Metadata = { title: 'Outage' }

export default function OutagePage() {
  return (
    <>
      <Intro
        title="When Redis stops answering"
        lesson={
          <>
            Pause Redis and watch: <code>jwt</code>, <code>jwt-cookie</code> and <code>session-pg</code> keep answering;{' '}
            <code>session</code>, <code>jwt-denylist</code> and <code>jwt-dpop</code> fail fast with 503 instead of hanging, and recover by themselves.
          </>
        }
      >
        <p>
          The pause is Redis&apos;s own <code>CLIENT PAUSE</code>, a control of the demo profile only. <code>jwt</code> and{' '}
          <code>jwt-cookie</code> need no store, <code>session-pg</code> lives in Postgres; the 503s carry{' '}
          <code>STORE_UNAVAILABLE</code>. <code>session-cached</code> answers from its signed copy while the copy is fresh; a
          stale one needs Redis and fails like <code>session</code>. Outlined squares were sent during the pause.
        </p>
      </Intro>
      <OutageView />
    </>
  )
}
