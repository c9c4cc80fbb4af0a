import type { Metadata } from 'next'
import { Intro } from '@/components/intro'
import { RangeView } from './range-view'

export const metadata: Metadata = { title: 'Attack range' }

export default function RangePage() {
  return (
    <>
      <Intro
        title="The attack range: forged tokens, a weak target and the real API"
        lesson={
          <>
            Four deliberately broken verifiers, each making one classic mistake. An admin token forged in your browser gets into
            each; the same token sent to the real <code>/api/jwt/admin</code> is refused.
          </>
        }
      >
        <p>
          The range is served by the API in the demo profile only. Workshop exercise 8 has you write the forgeries yourself.
        </p>
      </Intro>
      <RangeView />
    </>
  )
}
