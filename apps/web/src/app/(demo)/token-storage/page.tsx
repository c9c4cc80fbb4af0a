import type { Metadata } from 'next'
import { Intro } from '@/components/intro'
import { TokenStorageView } from '@/components/token-storage/token-storage-view'

export const metadata: Metadata = { title: 'Where the token lives' }

export default function TokenStoragePage() {
  return (
    <>
      <Intro
        title="Where the token lives, when XSS strikes"
        lesson={
          <>
            A script injected into the page takes a token kept in <code>localStorage</code>, <code>sessionStorage</code> or a
            variable, and uses it from anywhere. An HttpOnly cookie it cannot read, a DPoP key it cannot export: it can only act
            as the user while the page is open.
          </>
        }
      >
        <p>
          A script that runs in the page (cross-site scripting) runs with the page&apos;s rights. Anything in storage is one read
          away, a variable is caught as the app sends it, and an HttpOnly cookie cannot be read at all. But the browser adds that
          cookie to every request of the page, so the script can still act as the user while the page is open (session riding).
          What it cannot do is take the login away and use it from elsewhere. A <code>jwt-dpop</code> token it reads like any
          other, but the token is bound to a key the page created non-extractable: the script can sign proofs with that key
          from the page, never export it, so the token it sends away is refused (<code>DPOP_KEY_MISMATCH</code>).
        </p>
      </Intro>
      <TokenStorageView />
    </>
  )
}
