import type { Metadata } from 'next'
import { TokenStorageView } from '@/components/token-storage/token-storage-view'

export const metadata: Metadata = { title: 'Where the token lives' }

export default function TokenStoragePage() {
  return (
    <>
      <div className="intro">
        <h1>Where the token lives, when XSS strikes</h1>
        <p>
          A script that runs in the page (cross-site scripting) runs with the page&apos;s rights. What it can take away depends on
          where the page keeps its credential: anything in <code>localStorage</code> or <code>sessionStorage</code> is one read
          away, a variable is caught as the app sends it, and an HttpOnly cookie cannot be read at all. But the browser adds that
          cookie to every request of the page, so the script can still act as the user while the page is open (session riding).
          What it cannot do is take the login away and use it from elsewhere.
        </p>
      </div>
      <TokenStorageView />
    </>
  )
}
