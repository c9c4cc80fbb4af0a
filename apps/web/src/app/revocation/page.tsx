import type { Metadata } from 'next'
import { RevocationRunner } from '@/components/revocation/revocation-runner'
import { env } from '@/lib/env'
import { SHORT_TTL_SECONDS } from '@/lib/strategies'

export const metadata: Metadata = { title: 'Revocation' }

export default function RevocationPage() {
  return (
    <>
      <div className="intro">
        <h1>What does &ldquo;log out&rdquo; revoke?</h1>
        <p>
          alice logs in, a thief captures her credential, alice logs out, and the thief replays it every second: all six
          strategies at once. Deleted server state (a session, a denylist entry) refuses the replay at once; a JWT, in a header or
          a cookie, works until its <code>exp</code>; <code>session-cached</code>&apos;s signed copy until it goes stale
          (<code>SESSION_CACHE_TTL</code>). The replays measure each window; the short story logs in with <code>?ttl={SHORT_TTL_SECONDS}</code>{' '}
          so it all fits in about 15 s.
        </p>
      </div>
      <RevocationRunner thief={env.profile === 'demo'} />
    </>
  )
}
