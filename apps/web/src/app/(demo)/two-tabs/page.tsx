import type { Metadata } from 'next'
import { TwoTabsView } from '@/components/two-tabs/two-tabs-view'

export const metadata: Metadata = { title: 'Two tabs' }

export default function TwoTabsPage() {
  return (
    <>
      <div className="intro">
        <h1>Two tabs, one refresh token</h1>
        <p>
          Each refresh rotates the refresh token, and presenting a rotated one again is the sign of theft (RFC 9700): the API
          revokes the whole login. But two tabs of one browser share one cookie jar, so when both refresh at the same moment, both
          send the same token and one of them loses the race. Strict detection logs the user out of both tabs (Keycloak #16081,
          &ldquo;refresh token race&rdquo;); a short grace hands the loser the same successor (Auth0&apos;s reuse interval, Okta&apos;s
          grace period), and still revokes a reuse that comes after it. The two panes below are two tabs&apos; worth of state on
          this page, sharing its cookie jar; every answer is the real API&apos;s.
        </p>
      </div>
      <TwoTabsView />
    </>
  )
}
