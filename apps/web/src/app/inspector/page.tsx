import type { Metadata } from 'next'
import { TokenInspector } from '@/components/inspector/token-inspector'
import { env } from '@/lib/env'

export const metadata: Metadata = { title: 'Token inspector' }

export default function InspectorPage() {
  return (
    <>
      <div className="intro">
        <h1>Token inspector</h1>
        <p>
          A JWT is readable by anyone who holds it: only its signature is secret work. Decode one, change what it claims (a role,
          the algorithm, the signature itself), see whether its signature still verifies with the server&apos;s key, send it, and
          read what the server says and why. Decoding happens in your browser; a claim is shown as text, never run.
        </p>
      </div>
      <TokenInspector demo={env.profile === 'demo'} />
    </>
  )
}
