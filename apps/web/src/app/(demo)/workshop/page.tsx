import type { Metadata } from 'next'
import { Presenter } from './presenter'

export const metadata: Metadata = { title: 'Workshop' }

export default function WorkshopPage() {
  return (
    <>
      <div className="intro">
        <h1>Workshop: sessions and JWTs, one idea at a time</h1>
        <p>
          A guided story for a room: each step runs real requests against the API and shows them on the live timeline with
          every store round trip. Move with the buttons, the arrow keys or a presenter&rsquo;s clicker; turn on presenter mode
          for larger type. The hands-on exercises are in <code>workshop/README.md</code> (<code>pnpm workshop list</code>).
        </p>
      </div>
      <Presenter />
    </>
  )
}
