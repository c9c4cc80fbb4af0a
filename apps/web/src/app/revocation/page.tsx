import type { Metadata } from 'next'
import { Intro } from '@/components/intro'
import { RevocationRunner } from '@/components/revocation/revocation-runner'
import { env } from '@/lib/env'
import { SHORT_TTL_SECONDS } from '@/lib/strategies'

export const metadata: Metadata = { title: 'Revocation' }

export default function RevocationPage() {
  return (
    <>
      <Intro
        title={<>What does &ldquo;log out&rdquo; revoke?</>}
        lesson={
          <>
            alice logs in, a thief captures her credential, alice logs out, and the thief replays it every second, under every
            strategy at once. Deleted server state refuses the replay at once; a JWT works until its <code>exp</code>, unless bound
            to a key the thief lacks (<code>jwt-dpop</code>).
          </>
        }
      >
        <p>
          Deleted server state is a session or a denylist entry. A JWT, in a header or a cookie, works until its <code>exp</code>;{' '}
          <code>session-cached</code>&apos;s signed copy until it goes stale (<code>SESSION_CACHE_TTL</code>). The replays
          measure each window; the short story (ticked at first) logs in with <code>?ttl={SHORT_TTL_SECONDS}</code> so it all fits in
          about 15 s; untick it to watch the configured lifetimes (<code>ACCESS_TOKEN_TTL</code>, <code>SESSION_CACHE_TTL</code>) run out.
        </p>
      </Intro>
      <RevocationRunner thief={env.profile === 'demo'} />
    </>
  )
}
