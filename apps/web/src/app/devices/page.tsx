import type { Metadata } from 'next'
import { DevicesView } from '@/components/devices/devices-view'
import { env } from '@/lib/env'

export const metadata: Metadata = { title: 'Devices' }

export default function DevicesPage() {
  return (
    <>
      <div className="intro">
        <h1>Your devices: end one, or all</h1>
        <p>
          &ldquo;Show my active sessions and end one&rdquo; (OWASP ASVS 7.5.2), as the API lists them for one strategy: when each
          login began, when it was last seen and from which User-Agent. Ending a login deletes what the server keeps for it. What
          the ended device can still do depends on what it carries: a session id is worthless at once, a signed copy or an access
          token keeps working until it goes stale.
        </p>
      </div>
      <DevicesView thief={env.profile === 'demo'} />
    </>
  )
}
