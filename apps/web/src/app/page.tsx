import { CompareView } from '@/components/compare/compare-view'
import { env } from '@/lib/env'

export default function ComparePage() {
  const thief = env.profile === 'demo'
  return (
    <>
      <div className="intro">
        <h1>Same requests, different strategies</h1>
        <p>
          Each pane authenticates the same API its own way. Every request lands in its timeline with its status, its latency and
          every Redis or Postgres round trip it caused, from the API&apos;s <code>Server-Timing</code> header{thief ? ' and its live record of that request' : ''}.
        </p>
        {thief && (
          <details>
            <summary>How &ldquo;replay stolen credential&rdquo; works</summary>
            <p>
              At login the lab captures the credential as a thief would have it. A JWT is in the page&apos;s memory, so it is copied
              there. Session cookies are HttpOnly: no script can read them, which is why an XSS cannot take them. They still travel
              with every request, so the thief here is the web server: it reads the cookie the browser sends it (as anyone who sees
              the traffic, the logs or the disk could). A replay is sent by the web server with nothing but the stolen credential,
              like an attacker on their own machine; its Set-Cookie never reaches your browser.
            </p>
          </details>
        )}
      </div>
      <CompareView thief={thief} />
    </>
  )
}
