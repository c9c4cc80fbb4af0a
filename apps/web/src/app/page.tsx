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
              At login the lab captures the credential as a thief would have it. A bearer JWT (<code>jwt</code>,{' '}
              <code>jwt-denylist</code>) is in the page&apos;s memory, so it is copied there. Cookies are HttpOnly: no script can read
              them, which is why an XSS cannot take them. They still travel with every request, so the thief here is the web server:
              it takes the cookies the browser sends it (as anyone who sees the traffic, the logs or the disk could) and keeps them;
              the page only gets a receipt. <code>session-cached</code> needs both of its cookies, the session id and the signed
              copy. <code>jwt-cookie</code>&apos;s cookie <code>at</code> is sent only to <code>/api/jwt-cookie/…</code>, so in the
              demo profile the web origin answers one path there, <code>/api/jwt-cookie/attacker/steal</code>, itself instead of
              passing it to the API: it stands where anyone who sees the traffic to the API stands. A replay is sent by the web
              server with nothing but the stolen credential, like an attacker on their own machine; its Set-Cookie never reaches
              your browser.
            </p>
          </details>
        )}
      </div>
      <CompareView thief={thief} />
    </>
  )
}
