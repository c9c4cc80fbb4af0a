import type { Metadata } from 'next'
import { Intro } from '@/components/intro'
import { TwoTabsView } from '@/components/two-tabs/two-tabs-view'

export const metadata: Metadata = { title: 'Two tabs' }

export default function TwoTabsPage() {
  return (
    <>
      <Intro
        title="Two tabs, one refresh token"
        lesson={
          <>
            Two tabs share one cookie jar, so one refresh token. When both refresh at once, strict reuse detection logs the user out
            of both; a short grace hands the loser the same successor, and still revokes a reuse that comes after it.
          </>
        }
      >
        <p>
          Each refresh rotates the refresh token, and presenting a rotated one again is the sign of theft (RFC 9700): the API
          revokes the whole login. Two tabs refreshing at the same moment send the same token and one of them loses the race.
          Strict detection logs the user out of both tabs (Keycloak #16081, &ldquo;refresh token race&rdquo;); the grace is
          Auth0&apos;s reuse interval, Okta&apos;s grace period. The two panes below are two tabs&apos; worth of state on this
          page, sharing its cookie jar; every answer is the real API&apos;s.
        </p>
      </Intro>
      <TwoTabsView />
    </>
  )
}
