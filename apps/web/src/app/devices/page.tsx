import type { Metadata } from 'next'
import { DevicesView } from '@/components/devices/devices-view'
import { Intro } from '@/components/intro'
import { env } from '@/lib/env'

export const metadata: Metadata = { title: 'Devices' }

export default function DevicesPage() {
  return (
    <>
      <Intro
        title="Your devices: end one, or all"
        lesson={
          <>
            alice&apos;s logins under one strategy: end one, or all. Ending a login deletes what the server keeps for it: a session
            id is worthless at once, a signed copy or an access token keeps working until it goes stale.
          </>
        }
      >
        <p>
          &ldquo;Show my active sessions and end one&rdquo; (OWASP ASVS 7.5.2), as the API lists them for one strategy: when each
          login began, when it was last seen and from which User-Agent. What the ended device can still do depends on what it
          carries.
        </p>
      </Intro>
      <DevicesView thief={env.profile === 'demo'} />
    </>
  )
}
