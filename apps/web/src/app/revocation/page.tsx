import type { Metadata } from 'next'
import { RevocationRunner } from '@/components/revocation/revocation-runner'
import { env } from '@/lib/env'

export const metadata: Metadata = { title: 'Revocation' }

export default function RevocationPage() {
  return (
    <>
      <div className="intro">
        <h1>What does &ldquo;log out&rdquo; revoke?</h1>
        <p>
          One click runs the same story for all six strategies at once: alice logs in, a thief captures her credential, alice
          logs out, and the thief replays the credential every second. Server-side state (a session, a denylist entry) is gone
          at logout, so the replay is refused at once. A plain JWT, in a header or in a cookie, carries no state to delete: it
          keeps opening the door until its <code>exp</code>, counted down here. <code>session-cached</code> sits between: its
          session is deleted, but the signed copy in the stolen cookie is trusted without asking Redis until it goes stale
          (<code>SESSION_CACHE_TTL</code>). The window column is what the replays measured; the short story logs in with{' '}
          <code>?ttl=</code> so every window closes within seconds.
        </p>
      </div>
      <RevocationRunner thief={env.profile === 'demo'} />
    </>
  )
}
