import type { Metadata } from 'next'
import { Intro } from '@/components/intro'
import { Presenter } from './presenter'

export const metadata: Metadata = { title: 'Workshop' }

export default function WorkshopPage() {
  return (
    <>
      <Intro
        title="Workshop: sessions and JWTs, one idea at a time"
        titleOnly
        lesson="A guided story for a room: each step runs real requests against the API and shows them on its live timeline, every store round trip included."
      >
        <p>
          Move with the buttons, the arrow keys or a presenter&rsquo;s clicker; turn on presenter mode for larger type. The
          hands-on exercises are in <code>workshop/README.md</code> (<code>pnpm workshop list</code>).
        </p>
      </Intro>
      <Presenter />
    </>
  )
}
