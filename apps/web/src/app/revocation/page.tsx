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
          One click runs the same story for all four strategies at once: alice logs in, a thief captures her credential, alice
          logs out, and the thief replays the credential every second. Server-side state (a session, a denylist entry) is gone
          at logout, so the replay is refused at once. A plain JWT carries no state to delete: it keeps opening the door until
          its <code>exp</code>, counted down here.
        </p>
      </div>
      <RevocationRunner thief={env.profile === 'demo'} />
    </>
  )
}
