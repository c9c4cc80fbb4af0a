import type { Metadata } from 'next'
import { Intro } from '@/components/intro'
import { ServicesView } from '@/components/services/services-view'

export const metadata: Metadata = { title: 'Two services' }

export default function ServicesPage() {
  return (
    <>
      <Intro
        title="Two services, one login"
        lesson={
          <>
            The same login, checked by the API and by a second service. A JWT is verified there with the API&apos;s published
            public key: no call, no secret shared. A session id means nothing there: the service must ask the API (one more hop) or
            read the API&apos;s store with its credentials.
          </>
        }
      >
        <p>
          The orders service (<code>GET /orders/:strategy</code>, its own process) fetches <code>/.well-known/jwks.json</code> once
          and keeps it; <code>jwt-denylist</code> adds one Redis lookup of the shared denylist; sessions go through the API&apos;s{' '}
          <code>/api/:strategy/me</code> (or, with <code>ORDERS_SESSION_CHECK=store</code>, straight to Redis and Postgres with the
          API&apos;s <code>SESSION_SECRET</code>). Each hop is drawn with its duration from the response&apos;s Server-Timing.
        </p>
        <p data-testid="services-dpop-note">
          <code>jwt-dpop</code> is not served there (404): each of its proofs names the one URL it is for, so a second service
          would verify proofs for its own URL and share the API&apos;s replay store. A thief&apos;s copy of the token is refused
          by any service that checks the proof.
        </p>
      </Intro>
      <ServicesView />
    </>
  )
}
