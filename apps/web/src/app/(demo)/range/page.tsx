import type { Metadata } from 'next'
import { RangeView } from './range-view'

export const metadata: Metadata = { title: 'Attack range' }

export default function RangePage() {
  return (
    <>
      <div className="intro">
        <h1>The attack range: forged tokens, a weak target and the real API</h1>
        <p>
          Four deliberately broken verifiers, served by the API in the demo profile only, each making one classic mistake. This
          page forges an admin token against each, in your browser, and sends the same token to the range and to the real
          <code> /api/jwt/admin</code>: the range lets it in, the real API answers 401. Workshop exercise 8 has you write the
          forgeries yourself.
        </p>
      </div>
      <RangeView />
    </>
  )
}
