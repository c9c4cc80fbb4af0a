import type { Metadata } from 'next'
import { TokenInspector } from '@/components/inspector/token-inspector'

export const metadata: Metadata = { title: 'Token inspector' }

export default function InspectorPage() {
  return (
    <>
      <div className="intro">
        <h1>Token inspector</h1>
        <p>
          A JWT is readable by anyone who holds it: only its signature is secret work. Decode one, change what it claims (a role,
          the algorithm), send it, and see what the server says. Decoding here happens in your browser and verifies nothing.
        </p>
      </div>
      <TokenInspector />
    </>
  )
}
