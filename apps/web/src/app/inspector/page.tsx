import type { Metadata } from 'next'
import { Intro } from '@/components/intro'
import { TokenInspector } from '@/components/inspector/token-inspector'
import { env } from '@/lib/env'

export const metadata: Metadata = { title: 'Token inspector' }

export default function InspectorPage() {
  return (
    <>
      <Intro
        title="Token inspector"
        lesson="A JWT is readable by anyone who holds it: only its signature is secret work. Change what it claims, see whether its signature still verifies, send it, and read what the server says."
      >
        <p>
          Edit a role, the algorithm or the signature itself; the signature is checked with the server&apos;s key, and the server
          says why it refuses. Decoding happens in your browser; a claim is shown as text, never run.
        </p>
      </Intro>
      <TokenInspector demo={env.profile === 'demo'} />
    </>
  )
}
